/**
 * A small Intacct company behind a scripted gateway: it answers getAPISession and `query` (select,
 * the filters the source sends, order by RECORDNO, offset paging) over in-memory records, so tests
 * can give it behaviour the emulator lacks (an EMPLOYEE contact field naming, answers by the clock),
 * and see every request it was sent. `intercept` may answer any request itself first.
 */
import { XMLParser } from 'fast-xml-parser';
import { type ScriptedAnswer, type ScriptedGateway, sessionAnswer, startScriptedGateway } from './scripted-gateway';

export type ContactNaming = 'personalinfo' | 'contact';

/** One record, in the canonical naming (PERSONALINFO.* for employee contact fields). */
export type CompanyRecord = Record<string, string>;

export interface ScriptedCompanyOptions {
  records: Record<string, CompanyRecord[]>;
  /** Which EMPLOYEE contact naming `query` accepts; the other is refused as an invalid field. Default personalinfo. */
  contactNaming?: ContactNaming;
  /** Answers a request before the company does; undefined lets the company answer. */
  intercept?: (request: ParsedRequest) => ScriptedAnswer | undefined;
}

export interface ParsedRequest {
  body: string;
  functionName: string;
  query?: QueryBody;
}

interface QueryBody {
  object: string;
  fields: string[];
  filter: unknown;
  orderBy: string[];
  pageSize: number;
  offset: number;
  showPrivate: boolean;
}

export interface ScriptedCompany extends ScriptedGateway {
  parsed: ParsedRequest[];
  /** The queries sent, in order. */
  queries(): QueryBody[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ['field', 'value', 'order', 'and', 'or', 'in', 'like', 'greaterthan', 'equalto'].includes(name),
});

const PREFIX: Record<ContactNaming, string> = { personalinfo: 'PERSONALINFO.', contact: 'CONTACT.' };

const CONTROL_OK =
  '<control><status>success</status><senderid>psaVendor</senderid><controlid>c</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion></control>';
const AUTH_OK = '<authentication><status>success</status><userid>api_sync</userid><companyid>LAKESIDE-DEMO</companyid></authentication>';

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A failed query result, as Intacct words an unknown field. */
export function queryFailureAnswer(description2: string): ScriptedAnswer {
  return {
    body:
      `<?xml version="1.0" encoding="utf-8"?><response>${CONTROL_OK}<operation>${AUTH_OK}<result><status>failure</status>` +
      '<function>query</function><controlid>f</controlid><errormessage><error><errorno>Query Failed</errorno><description></description>' +
      `<description2>${escapeText(description2)} [Support ID: Qx7%7EscriptedK2]</description2><correction>Check the field names in your select list.</correction>` +
      '</error></errormessage></result></operation></response>',
  };
}

function parseRequest(body: string): ParsedRequest {
  const document = parser.parse(body) as Record<string, any>;
  const fn = document.request?.operation?.content?.function ?? {};
  const functionName = Object.keys(fn).find((key) => !key.startsWith('@_')) ?? '';
  if (functionName !== 'query') return { body, functionName };
  const q = fn.query;
  const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : String(value));
  return {
    body,
    functionName,
    query: {
      object: text(q.object),
      fields: (q.select?.field ?? []).map(text),
      filter: q.filter,
      orderBy: (q.orderby?.order ?? []).map((order: any) => text(order.field?.[0])),
      pageSize: Number(text(q.pagesize) || '100'),
      offset: Number(text(q.offset) || '0'),
      showPrivate: text(q.options?.showprivate) === 'true',
    },
  };
}

type Predicate = (record: CompanyRecord) => boolean;

function predicateOf(node: any, canonical: (field: string) => string): Predicate {
  if (node === undefined || node === '') return () => true;
  const parts: Predicate[] = [];
  for (const [operator, operands] of Object.entries(node as Record<string, unknown[]>)) {
    for (const operand of operands as any[]) {
      if (operator === 'and') parts.push(predicateOf(operand, canonical));
      else if (operator === 'or') {
        const children = Object.entries(operand as Record<string, unknown[]>).flatMap(([childOperator, childOperands]) =>
          (childOperands as unknown[]).map((child) => predicateOf({ [childOperator]: [child] }, canonical)),
        );
        parts.push((record) => children.some((child) => child(record)));
      } else {
        const field = canonical(String(operand.field[0]));
        const values: string[] = (operand.value ?? []).map(String);
        if (operator === 'in') parts.push((record) => values.includes(record[field] ?? ''));
        else if (operator === 'equalto') parts.push((record) => (record[field] ?? '') === values[0]);
        else if (operator === 'greaterthan') parts.push((record) => Number(record[field]) > Number(values[0]));
        else if (operator === 'like') {
          const needle = values[0]!.replace(/%/g, '').toLowerCase();
          parts.push((record) => (record[field] ?? '').toLowerCase().includes(needle));
        } else throw new Error(`scripted company: unsupported operator ${operator}`);
      }
    }
  }
  return (record) => parts.every((part) => part(record));
}

function fieldsNamed(filter: any): string[] {
  if (filter === undefined || filter === '' || typeof filter !== 'object') return [];
  return Object.entries(filter as Record<string, unknown[]>).flatMap(([operator, operands]) =>
    (operands as any[]).flatMap((operand) => (operator === 'and' || operator === 'or' ? fieldsNamed(operand) : [String(operand.field[0])])),
  );
}

/** Starts a scripted gateway that plays one company. */
export async function startScriptedCompany(options: ScriptedCompanyOptions): Promise<ScriptedCompany> {
  const naming = options.contactNaming ?? 'personalinfo';
  const refused = naming === 'personalinfo' ? PREFIX.contact : PREFIX.personalinfo;
  const parsed: ParsedRequest[] = [];
  const toCanonical = (field: string): string =>
    field.startsWith(PREFIX[naming]) ? PREFIX.personalinfo + field.slice(PREFIX[naming].length) : field;

  const answer = (body: string): ScriptedAnswer => {
    const request = parseRequest(body);
    parsed.push(request);
    const intercepted = options.intercept?.(request);
    if (intercepted) return intercepted;
    if (request.functionName === 'getAPISession') return sessionAnswer('scripted-session');
    const query = request.query;
    if (!query) return { status: 500, body: `scripted company: no answer for ${request.functionName}` };
    const named = [...query.fields, ...fieldsNamed(query.filter), ...query.orderBy];
    if (query.object === 'EMPLOYEE') {
      const unknown = named.find((field) => field.startsWith(refused));
      if (unknown) return queryFailureAnswer(`Invalid field: ${unknown} on object EMPLOYEE`);
    }
    const matching = (options.records[query.object] ?? [])
      .filter(predicateOf(query.filter, toCanonical))
      .sort((a, b) => Number(a.RECORDNO) - Number(b.RECORDNO));
    const page = matching.slice(query.offset, query.offset + query.pageSize);
    const remaining = Math.max(0, matching.length - query.offset - page.length);
    const records = page
      .map(
        (record) =>
          `<${query.object}>` +
          query.fields.map((field) => `<${field}>${escapeText(record[toCanonical(field)] ?? '')}</${field}>`).join('') +
          `</${query.object}>`,
      )
      .join('');
    return {
      body:
        `<?xml version="1.0" encoding="utf-8"?><response>${CONTROL_OK}<operation>${AUTH_OK}<result><status>success</status>` +
        `<function>query</function><controlid>f</controlid><data listtype="${query.object}" totalcount="${matching.length}" ` +
        `offset="${query.offset}" count="${page.length}" numremaining="${remaining}">${records}</data></result></operation></response>`,
    };
  };

  const gateway = await startScriptedGateway([], answer);
  return {
    ...gateway,
    parsed,
    queries: () => parsed.flatMap((request) => (request.query ? [request.query] : [])),
  };
}

/** `count` employees in the canonical naming, RECORDNO 1..count. */
export function employees(count: number, entity = ''): CompanyRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    return {
      RECORDNO: String(n),
      EMPLOYEEID: `EMP-${String(n).padStart(3, '0')}`,
      STATUS: 'active',
      TITLE: n % 2 === 0 ? 'Consultant' : 'Project Lead',
      DEPARTMENTID: 'ENG',
      STARTDATE: '03/01/2021',
      'PERSONALINFO.CONTACTNAME': `Lindqvist ${n}, Maja`,
      'PERSONALINFO.FIRSTNAME': 'Maja',
      'PERSONALINFO.LASTNAME': `Lindqvist ${n}`,
      MEGAENTITYID: entity,
      MEGAENTITYNAME: entity === '' ? '' : `Entity ${entity}`,
    };
  });
}

/** `count` customers, RECORDNO 1..count. */
export function customers(count: number, entity = ''): CompanyRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    return {
      RECORDNO: String(n),
      CUSTOMERID: `C-${String(n).padStart(3, '0')}`,
      NAME: `Harbour Supplies ${n}`,
      STATUS: 'active',
      MEGAENTITYID: entity,
      MEGAENTITYNAME: entity === '' ? '' : `Entity ${entity}`,
    };
  });
}
