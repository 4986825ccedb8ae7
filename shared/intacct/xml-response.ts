import type { EntityDecoderOptions } from 'fast-xml-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  errorFromIntacctStatus,
  type IntacctError,
  type IntacctErrorEntry,
  IntacctProtocolError,
  type IntacctStatusLevel,
  IntacctTransientError,
} from './errors';
import { readRecordList } from './record-list';
import { decodeStandardEntities } from './xml-text';

/** One record as Intacct lists it: dotted field names, every value text ('' when empty). */
export type IntacctRecord = Record<string, string>;

/** A page of a list answer (`query`, `readByQuery`, `readMore`). */
export interface ListPage {
  records: IntacctRecord[];
  totalCount: number;
  offset: number;
  count: number;
  numRemaining: number;
  /** Only readByQuery / readMore answers carry one. */
  resultId?: string;
}

/** The successful `<result>` of a one-function request. */
export interface GatewayResult {
  functionName: string;
  controlId: string;
  /** The parsed `<data>` element ('' when it was empty and carried no attributes), undefined when absent. */
  data: unknown;
}

/** What getAPISession hands back. */
export interface ApiSession {
  sessionId: string;
  endpoint: string;
  locationId: string;
}

const ATTRIBUTE_PREFIX = '@_';
const TEXT_NODE = '#text';

/**
 * Intacct never sends a DOCTYPE, and a DOCTYPE is the door to entity expansion attacks
 * (billion laughs, external entities), so any declaration ends processing before a parser sees it.
 */
const DECLARATION_MARKUP = /<!\s*(?:DOCTYPE|ENTITY)/i;

/**
 * Cloudflare and load balancers answer with HTML pages; those are outages, not protocol violations.
 * An HTML doctype may carry a public identifier (`<!DOCTYPE HTML PUBLIC "...">`) but never an
 * internal subset (`[`), so no page that passes here can declare an entity.
 */
const HTML_PAGE = /^\s*(?:<!DOCTYPE\s+html\b[^>[]*>|<html[\s>])/i;

const standardEntityDecoder: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => {
    throw new IntacctProtocolError('Intacct answer declares entities; refused');
  },
  reset: () => undefined,
  decode: decodeStandardEntities,
  setXmlVersion: () => undefined,
};

/** Paths whose elements may repeat; they always parse as arrays, even with zero or one entry. */
const RESULT_PATH = 'response.operation.result';
const RECORD_PARENT_PATH = `${RESULT_PATH}.data`;
const ERROR_PATHS = new Set(['response.errormessage.error', 'response.operation.errormessage.error', `${RESULT_PATH}.errormessage.error`]);

function isRepeatable(_tagName: string, jPath: unknown, _isLeafNode: boolean, isAttribute: boolean): boolean {
  if (isAttribute || typeof jPath !== 'string') return false;
  if (jPath === RESULT_PATH || ERROR_PATHS.has(jPath)) return true;
  const lastDot = jPath.lastIndexOf('.');
  return lastDot > 0 && jPath.slice(0, lastDot) === RECORD_PARENT_PATH;
}

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT_NODE,
  // Whitespace inside a value is data; layout whitespace between elements is ignored when reading.
  trimValues: false,
  processEntities: true,
  entityDecoder: standardEntityDecoder,
  isArray: isRepeatable,
  jPath: true,
});

type XmlNode = Record<string, unknown>;

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: unknown, name: string): unknown {
  return isNode(node) ? node[name] : undefined;
}

/** The text content of a leaf element: plain text, or the text node of an element with attributes. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isNode(value)) {
    const text = value[TEXT_NODE];
    return typeof text === 'string' ? text : '';
  }
  return '';
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a body is an HTML page (Cloudflare, a load balancer) rather than the gateway's XML. */
export function isHtmlPage(body: string): boolean {
  return HTML_PAGE.test(body);
}

/**
 * Refuses a body before any parser touches it: DOCTYPE or ENTITY markup is a protocol error
 * (never retried); an empty body or an HTML page is a transient outage.
 */
function screenResponseBody(body: string): void {
  if (body.trim() === '') {
    throw new IntacctTransientError('Intacct answered with an empty body');
  }
  if (HTML_PAGE.test(body)) {
    throw new IntacctTransientError('Intacct answered with an HTML page instead of XML');
  }
  if (DECLARATION_MARKUP.test(body)) {
    throw new IntacctProtocolError('Intacct answer carries a DOCTYPE or ENTITY declaration; refused');
  }
}

/** What one answer may hold. */
export interface AnswerLimits {
  /** The most records its `<data>` may carry: the page size asked for. Given for list answers only. */
  maxRecords?: number;
}

// Markup the record counter steps over whole (text inside it is not markup), or one start/end tag.
const MARKUP = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][^\s/>]*)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;

/**
 * Counts the records (the children of each `<data>`) of a well-formed body without building a
 * tree, stopping as soon as there are more than `limit`: a hostile answer of a million records to
 * a page of two costs a scan, not the memory of parsing it.
 */
export function exceedsRecordLimit(body: string, limit: number): boolean {
  let records = 0;
  // Depth below the innermost open <data>; null while outside any.
  let depthInData: number | null = null;
  MARKUP.lastIndex = 0;
  for (let match = MARKUP.exec(body); match !== null; match = MARKUP.exec(body)) {
    const [, closing, name, selfClosing] = match;
    if (name === undefined) continue;
    if (depthInData === null) {
      if (name === 'data' && !closing && !selfClosing) depthInData = 0;
      continue;
    }
    if (closing) {
      if (depthInData === 0) depthInData = null;
      else depthInData -= 1;
      continue;
    }
    if (depthInData === 0) {
      records += 1;
      if (records > limit) return true;
    }
    if (!selfClosing) depthInData += 1;
  }
  return false;
}

/**
 * Validates and parses a screened gateway body into a plain object tree. Malformed or truncated
 * XML is transient (the next answer is usually whole); values stay text exactly as sent. An answer
 * with more records than asked for is refused before it is parsed.
 */
function parseGatewayXml(body: string, limits: AnswerLimits): XmlNode {
  const validation = XMLValidator.validate(body);
  if (validation !== true) {
    throw new IntacctTransientError(`Intacct answer is not well-formed XML (${validation.err.code} at line ${validation.err.line})`);
  }
  if (limits.maxRecords !== undefined && exceedsRecordLimit(body, limits.maxRecords)) {
    throw new IntacctProtocolError(`Intacct answered with more than the ${limits.maxRecords} records asked for; refused`);
  }
  let document: unknown;
  try {
    document = parser.parse(body);
  } catch (error) {
    if (error instanceof IntacctProtocolError) throw error;
    throw new IntacctTransientError('Intacct answer could not be parsed');
  }
  if (!isNode(document) || !isNode(document.response)) {
    throw new IntacctProtocolError('Intacct answer has no <response> element');
  }
  return document.response;
}

/**
 * The records of list answers read by readRecordList, keyed by the parsed `<data>` they belong to
 * (which then holds only its attributes); readListPage takes them from here.
 */
const recordLists = new WeakMap<XmlNode, IntacctRecord[]>();

/** Gives the parsed envelope's `<data>` the records read from the text; false when the envelope has no such place. */
function attachRecords(response: XmlNode, records: IntacctRecord[]): boolean {
  const operation = response.operation;
  if (!isNode(operation) || !Array.isArray(operation.result)) return false;
  const result: unknown = operation.result[0];
  if (!isNode(result)) return false;
  // An empty `<data></data>` without attributes parses as ''.
  const data = result.data === '' && records.length > 0 ? {} : result.data;
  if (data === '') return true;
  if (!isNode(data)) return false;
  recordLists.set(data, records);
  result.data = data;
  return true;
}

/**
 * A list answer the fast way: its records are read straight from the text (record-list.ts) and
 * only the small envelope around them (the body with the records' `<data>` content cut out) is
 * validated and parsed. Undefined whenever that is not certain to give what parseGatewayXml gives;
 * the caller then runs parseGatewayXml on the whole body, which reports any fault as it always did.
 */
function parseListAnswerXml(body: string, maxRecords: number): XmlNode | undefined {
  // XML reads every line end as \n; the full parse does this too, before anything else.
  const text = body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body;
  const list = readRecordList(text, maxRecords);
  if (list === undefined) return undefined;
  const envelope = list.contentEnd === list.contentStart ? text : text.slice(0, list.contentStart) + text.slice(list.contentEnd);
  if (XMLValidator.validate(envelope) !== true) return undefined;
  // The count the full parse would make: the records read plus any other <data> children.
  if (exceedsRecordLimit(envelope, maxRecords - list.records.length)) return undefined;
  let document: unknown;
  try {
    document = parser.parse(envelope);
  } catch {
    return undefined;
  }
  if (!isNode(document) || !isNode(document.response)) return undefined;
  return attachRecords(document.response, list.records) ? document.response : undefined;
}

function readErrorEntries(errorMessage: unknown): IntacctErrorEntry[] {
  return asArray(child(errorMessage, 'error')).map((entry) => ({
    errorno: textOf(child(entry, 'errorno')).trim(),
    description: textOf(child(entry, 'description')).trim(),
    description2: textOf(child(entry, 'description2')).trim(),
    correction: textOf(child(entry, 'correction')).trim(),
  }));
}

function statusOf(node: unknown): string {
  return textOf(child(node, 'status')).trim();
}

function failure(level: IntacctStatusLevel, errorMessage: unknown): IntacctError {
  return errorFromIntacctStatus(level, readErrorEntries(errorMessage));
}

const SUCCESS = 'success';

/**
 * Reads a parsed `<response>` through its three status levels (control, authentication, result)
 * and returns the single function result, or throws the typed error of the first level that failed.
 */
function readGatewayResult(response: XmlNode): GatewayResult {
  const control = response.control;
  if (statusOf(control) !== SUCCESS) {
    throw failure('control', response.errormessage);
  }
  const operation = response.operation;
  if (!isNode(operation)) {
    throw new IntacctProtocolError('Intacct answer has no <operation> element');
  }
  if (statusOf(operation.authentication) !== SUCCESS) {
    throw failure('authentication', operation.errormessage);
  }
  const result = asArray(operation.result)[0];
  if (!isNode(result)) {
    // An operation-level errormessage without a result still explains the failure.
    if (operation.errormessage !== undefined) throw failure('result', operation.errormessage);
    throw new IntacctProtocolError('Intacct answer has no <result> element');
  }
  if (statusOf(result) !== SUCCESS) {
    throw failure('result', result.errormessage);
  }
  return {
    functionName: textOf(result.function).trim(),
    controlId: textOf(result.controlid).trim(),
    data: result.data,
  };
}

/**
 * Screens, validates, parses and reads one gateway body: the whole answer pipeline. With
 * `limits.maxRecords` the body is a list answer, whose records are read the fast way when it has
 * the plain form Intacct sends (parseListAnswerXml); the outcome is the same either way.
 */
export function parseGatewayResponse(body: string, limits: AnswerLimits = {}): GatewayResult {
  screenResponseBody(body);
  const listResponse = limits.maxRecords === undefined ? undefined : parseListAnswerXml(body, limits.maxRecords);
  return readGatewayResult(listResponse ?? parseGatewayXml(body, limits));
}

function flattenInto(target: IntacctRecord, prefix: string, value: unknown): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) flattenInto(target, `${prefix}.${index}`, item);
    return;
  }
  if (!isNode(value)) {
    target[prefix] = typeof value === 'string' ? value : '';
    return;
  }
  const childNames = Object.keys(value).filter((key) => key !== TEXT_NODE && !key.startsWith(ATTRIBUTE_PREFIX));
  if (childNames.length === 0) {
    target[prefix] = textOf(value);
    return;
  }
  for (const name of childNames) flattenInto(target, `${prefix}.${name}`, value[name]);
}

/** Turns one parsed record element into dotted-name text fields; nested elements (single reads) are flattened. */
function toRecord(element: unknown): IntacctRecord {
  const record: IntacctRecord = {};
  if (!isNode(element)) return record;
  for (const [name, value] of Object.entries(element)) {
    if (name === TEXT_NODE || name.startsWith(ATTRIBUTE_PREFIX)) continue;
    flattenInto(record, name, value);
  }
  return record;
}

/** The records of a `<data>` the full parse made into a tree: each child element, grouped by name. */
function recordsOfTree(data: XmlNode): IntacctRecord[] {
  const records: IntacctRecord[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (name === TEXT_NODE || name.startsWith(ATTRIBUTE_PREFIX)) continue;
    for (const element of asArray(value)) records.push(toRecord(element));
  }
  return records;
}

const NON_NEGATIVE_INTEGER = /^\d+$/;

function countAttribute(data: XmlNode, name: string, fallback?: number): number {
  const raw = data[`${ATTRIBUTE_PREFIX}${name}`];
  if (raw === undefined && fallback !== undefined) return fallback;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!NON_NEGATIVE_INTEGER.test(text)) {
    throw new IntacctProtocolError(`Intacct list answer has no usable ${name} attribute`);
  }
  return Number(text);
}

/**
 * Reads a list answer's `<data>`: its records (always a list) and paging attributes. A missing
 * `numremaining` is a protocol error rather than "done", so a malformed page never ends a listing early.
 */
export function readListPage(data: unknown, requestedOffset = 0): ListPage {
  if (!isNode(data)) {
    throw new IntacctProtocolError('Intacct list answer has no <data> attributes');
  }
  const records = recordLists.get(data) ?? recordsOfTree(data);
  const numRemaining = countAttribute(data, 'numremaining');
  const count = countAttribute(data, 'count', records.length);
  const offset = countAttribute(data, 'offset', requestedOffset);
  const totalCount = countAttribute(data, 'totalcount', offset + records.length + numRemaining);
  const resultIdRaw = data[`${ATTRIBUTE_PREFIX}resultId`];
  const page: ListPage = { records, totalCount, offset, count, numRemaining };
  if (typeof resultIdRaw === 'string' && resultIdRaw.trim() !== '') page.resultId = resultIdRaw.trim();
  return page;
}

/** Reads getAPISession's `<data><api>`; a missing session id is a protocol error. */
export function readApiSession(data: unknown): ApiSession {
  const api = asArray(child(data, 'api'))[0];
  const sessionId = textOf(child(api, 'sessionid')).trim();
  if (sessionId === '') {
    throw new IntacctProtocolError('getAPISession answer carries no session id');
  }
  return {
    sessionId,
    endpoint: textOf(child(api, 'endpoint')).trim(),
    locationId: textOf(child(api, 'locationid')).trim(),
  };
}
