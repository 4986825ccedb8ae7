/**
 * Test helper: builds hand-written gateway requests and posts them to a running emulator over HTTP.
 * Parsing answers here uses fast-xml-parser the way the notes prescribe (text kept as text).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RunningEmulator } from '../../local/emulator/index';

export interface Credentials {
  senderId: string;
  senderPassword: string;
}

export type Auth = { login: { userId: string; companyId: string; password: string; locationId?: string } } | { sessionId: string };

export interface FunctionXml {
  controlId?: string;
  xml: string;
}

/** Escapes text for a hand-written request. */
export function x(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function authXml(auth: Auth): string {
  if ('sessionId' in auth) return `<sessionid>${x(auth.sessionId)}</sessionid>`;
  const { userId, companyId, password, locationId } = auth.login;
  const location = locationId === undefined ? '' : `<locationid>${x(locationId)}</locationid>`;
  return `<login><userid>${x(userId)}</userid><companyid>${x(companyId)}</companyid><password>${x(password)}</password>${location}</login>`;
}

/** A full request envelope around the given functions. */
export function requestXml(credentials: Credentials, auth: Auth, functions: FunctionXml[], controlId = 'ctl-test'): string {
  const content = functions
    .map((fn, index) => `<function controlid="${x(fn.controlId ?? `fn-${index + 1}`).replace(/"/g, '&quot;')}">${fn.xml}</function>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<request><control><senderid>${x(credentials.senderId)}</senderid>` +
    `<password>${x(credentials.senderPassword)}</password><controlid>${x(controlId)}</controlid><uniqueid>false</uniqueid>` +
    `<dtdversion>3.0</dtdversion><includewhitespace>false</includewhitespace></control>` +
    `<operation><authentication>${authXml(auth)}</authentication><content>${content}</content></operation></request>`
  );
}

export interface PostResult {
  status: number;
  contentType: string;
  text: string;
}

export async function postXml(endpointUrl: string, body: string): Promise<PostResult> {
  const response = await fetch(endpointUrl, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

const RECORD_LISTS = new Set(['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT', 'customer', 'employee', 'department', 'result', 'error']);

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => RECORD_LISTS.has(name),
});

/** Parses an answer, after checking it is well-formed XML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseAnswer(text: string): any {
  const validation = XMLValidator.validate(text);
  if (validation !== true) throw new Error(`answer is not well-formed: ${validation.err.msg}`);
  return parser.parse(text);
}

/** A client bound to one emulator and one company, logging in with <login> unless given a session. */
export class TestGateway {
  constructor(
    readonly emulator: RunningEmulator,
    readonly companyIndex = 0,
  ) {}

  get company(): { companyId: string; userId: string; userPassword: string } {
    const company = this.emulator.companies[this.companyIndex];
    if (!company) throw new Error('no such company');
    return company;
  }

  get login(): Auth {
    return { login: { userId: this.company.userId, companyId: this.company.companyId, password: this.company.userPassword } };
  }

  /** Posts functions and returns the raw HTTP result. */
  async post(functions: FunctionXml[], auth: Auth = this.login): Promise<PostResult> {
    return postXml(this.emulator.endpointUrl, requestXml(this.emulator, auth, functions));
  }

  /** Posts functions and returns the parsed <result> elements. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async results(functions: FunctionXml[], auth: Auth = this.login): Promise<any[]> {
    const answer = parseAnswer((await this.post(functions, auth)).text);
    return answer.response.operation.result;
  }

  /** Posts one function and returns its parsed <result>. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async result(fn: string, auth: Auth = this.login): Promise<any> {
    const [result] = await this.results([{ xml: fn }], auth);
    return result;
  }

  /** One function's <data>, failing loudly with the error text when the function failed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async data(fn: string, auth: Auth = this.login): Promise<any> {
    const result = await this.result(fn, auth);
    if (result.status !== 'success') throw new Error(`function failed: ${JSON.stringify(result.errormessage)}`);
    return result.data;
  }

  async sessionId(): Promise<string> {
    const data = await this.data('<getAPISession/>');
    return data.api.sessionid;
  }
}

/** A <query> function with the given parts. */
export function queryXml(parts: {
  object: string;
  fields: string[];
  filter?: string;
  orderby?: string;
  pagesize?: number | string;
  offset?: number | string;
  options?: string;
}): string {
  return (
    `<query><object>${parts.object}</object><select>${parts.fields.map((f) => `<field>${f}</field>`).join('')}</select>` +
    (parts.filter ? `<filter>${parts.filter}</filter>` : '') +
    (parts.orderby ? `<orderby>${parts.orderby}</orderby>` : '') +
    (parts.options ? `<options>${parts.options}</options>` : '') +
    (parts.pagesize !== undefined ? `<pagesize>${parts.pagesize}</pagesize>` : '') +
    (parts.offset !== undefined ? `<offset>${parts.offset}</offset>` : '') +
    `</query>`
  );
}
