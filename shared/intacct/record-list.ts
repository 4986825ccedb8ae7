/**
 * The records of a list answer read straight from its text in one pass. A 2,000-record page is
 * about 1.5 MB; validating it, parsing it into a generic tree (fast-xml-parser) and walking that
 * tree took about ten times as long as this single pass does, and made listing CPU-bound.
 *
 * Only the plainest form is read here: the first `<data>` of the first `<result>` of the first
 * `<operation>`, whose content is elements without attributes, text with entity or character
 * references, and CDATA. Anything else (a comment, a processing instruction, an attribute, an
 * unusual name, deep nesting, too many records, text that is not well-formed, a missing end tag)
 * makes the reader give up and answer undefined, never guess: the caller then runs the full
 * validating parse, which reports truncated or malformed XML as it always did.
 *
 * What a record becomes is exactly what the full parse makes of it: dotted field names, nested
 * elements flattened (`A.B`), repeated elements numbered (`A.0`, `A.1`), every value text, '' when
 * empty, the text of an element with child elements dropped, and records grouped by element name.
 */
import type { IntacctRecord } from './xml-response';
import { decodeStandardEntities } from './xml-text';

/** Where a list answer's records lie in its text, and the records. */
export interface RecordListText {
  /** The first character of the records' `<data>` content. */
  contentStart: number;
  /** Where that content ends: its `</data>` starts here (contentStart itself for a self-closing `<data/>`). */
  contentEnd: number;
  records: IntacctRecord[];
}

const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const SLASH = 0x2f;
const EXCLAMATION = 0x21;

const RECORD_LIST_ELEMENT = 'data';
const END_OF_RECORD_LIST = '</data>';
const CDATA_START = '<![CDATA[';
const CDATA_END = ']]>';

/** Below this length V8 copies a slice of a string anyway; from it on, a slice keeps its whole parent alive. */
const SLICE_MIN_LENGTH = 13;

/**
 * `text` as a string of its own. A value sliced out of the answer would keep the whole 1.5 MB
 * answer in memory for as long as the record lives; flattening a one-character concatenation
 * copies just the value.
 */
const detached = (text: string): string => (text.length < SLICE_MIN_LENGTH ? text : ` ${text}`.slice(1));

/** Deeper than any record Intacct sends; deeper input goes to the full parse, which has its own limit. */
const MAX_FIELD_DEPTH = 16;

/** Leading whitespace and the XML declaration, when there is one (nothing but pseudo-attributes inside). */
const DOCUMENT_START = /\s*(?:<\?xml\s[^<>?]*\?>\s*)?/y;

/**
 * One start or end tag of the envelope around the records: a plain name and properly quoted
 * attributes without `<` in their values. Comments, CDATA and processing instructions do not match.
 */
const ENVELOPE_TAG = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;

/** Element names read here: ASCII XML names, a subset of what the validator accepts. */
const PLAIN_NAME = /^[A-Za-z_][\w.-]*$/;

/** The references the validator accepts, less the odd ones (`&#;`, `&#x;`) no producer writes. */
const REFERENCE = /&(?:\w{1,20}|#\d+|#x[\da-fA-F]+);/y;

/**
 * A plain name that is no property of every object: the full parse refuses or renames those
 * (`__proto__`, `constructor`, `toString`, ...), so answers using them are left to it.
 */
function isPlainName(name: string): boolean {
  return PLAIN_NAME.test(name) && !(name in Object.prototype) && name !== 'prototype';
}

/**
 * Finds the start of the records' `<data>` content by walking the envelope's tags from the top:
 * `response` > first `operation` > first `result` > first `data`. Undefined when the answer has no
 * such element or anything unusual comes first.
 */
function findRecordList(body: string): { contentStart: number; selfClosing: boolean } | undefined {
  DOCUMENT_START.lastIndex = 0;
  DOCUMENT_START.test(body);
  let position = DOCUMENT_START.lastIndex;
  const open: string[] = [];
  let operations = 0;
  let results = 0;
  for (;;) {
    if (body.charCodeAt(position) !== LESS_THAN) {
      // Text: only inside the root, and the validator checks it once the envelope is parsed.
      if (open.length === 0) return undefined;
      position = body.indexOf('<', position);
      if (position === -1) return undefined;
    }
    ENVELOPE_TAG.lastIndex = position;
    const tag = ENVELOPE_TAG.exec(body);
    if (tag === null) return undefined;
    const [, closing, name = '', attributes, selfClosing] = tag;
    position = ENVELOPE_TAG.lastIndex;
    if (closing) {
      if (attributes || selfClosing || open.pop() !== name || open.length === 0) return undefined;
      continue;
    }
    const depth = open.length;
    if (depth === 0 && (name !== 'response' || selfClosing)) return undefined;
    if (depth === 1 && name === 'operation') operations += 1;
    const inOperation = open[1] === 'operation' && operations === 1;
    if (depth === 2 && inOperation && name === 'result') results += 1;
    if (operations > 1 || results > 1) return undefined;
    if (depth === 3 && inOperation && open[2] === 'result' && name === RECORD_LIST_ELEMENT) {
      return { contentStart: position, selfClosing: Boolean(selfClosing) };
    }
    if (!selfClosing) open.push(name);
  }
}

type FieldValue = string | Fields | FieldValue[];
interface Fields {
  [name: string]: FieldValue;
}

/** Record fields as the full parse flattens them: dotted paths, repeated elements numbered. */
function flattenInto(record: IntacctRecord, path: string, value: FieldValue): void {
  if (typeof value === 'string') {
    record[path] = value;
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) flattenInto(record, `${path}.${index}`, item);
  } else {
    for (const name of Object.keys(value)) flattenInto(record, `${path}.${name}`, value[name] as FieldValue);
  }
}

function flattenFields(fields: Fields): IntacctRecord {
  const record: IntacctRecord = {};
  for (const name of Object.keys(fields)) flattenInto(record, name, fields[name] as FieldValue);
  return record;
}

/** What a run of text holds: no reference, only well-formed ones, or a stray `&`. */
const NO_REFERENCES = 0;
const WELL_FORMED_REFERENCES = 1;
const MALFORMED_REFERENCE = 2;
type TextReferences = typeof NO_REFERENCES | typeof WELL_FORMED_REFERENCES | typeof MALFORMED_REFERENCE;

class RecordListReader {
  readonly #body: string;
  #position: number;
  /** The next `&` at or after the text being checked (body.length when none): found once each, not once per text. */
  #nextAmpersand = -1;
  /** Whether the start tag just read closed itself. */
  #selfClosing = false;
  /** Whether the record being read has nested or repeated fields, so it must be flattened. */
  #nested = false;
  /** Whether the text before the markup #nextMarkup last found holds references to decode. */
  #lastTextHadReferences = false;
  readonly #checkedNames = new Set<string>();

  constructor(body: string, contentStart: number) {
    this.#body = body;
    this.#position = contentStart;
  }

  /** The records up to `</data>` (its position in contentEnd), or undefined: see the module comment. */
  readRecords(maxRecords: number): { records: IntacctRecord[]; contentEnd: number } | undefined {
    const body = this.#body;
    // Grouped by element name in order of first appearance, as the full parse groups them.
    const groups = new Map<string, IntacctRecord[]>();
    let count = 0;
    for (;;) {
      const lessThan = this.#nextMarkup();
      if (lessThan === undefined) return undefined;
      const next = body.charCodeAt(lessThan + 1);
      if (next === SLASH) {
        if (!body.startsWith(END_OF_RECORD_LIST, lessThan)) return undefined;
        return { records: [...groups.values()].flat(), contentEnd: lessThan };
      }
      if (next === EXCLAMATION) {
        if (this.#characterData(lessThan) === undefined) return undefined;
        continue;
      }
      const name = this.#startTag(lessThan);
      if (name === undefined) return undefined;
      count += 1;
      // More than asked for: the full pipeline refuses it, having read no further than this.
      if (count > maxRecords) return undefined;
      this.#nested = false;
      const content = this.#selfClosing ? '' : this.#content(name, 1);
      if (content === undefined) return undefined;
      // An element without child elements is a record without fields, whatever text it holds.
      const record = typeof content === 'string' ? {} : this.#nested ? flattenFields(content as Fields) : (content as IntacctRecord);
      const group = groups.get(name);
      if (group) group.push(record);
      else groups.set(name, [record]);
    }
  }

  /** An element's content up to its end tag: its text when it has no child elements, else its fields. */
  #content(name: string, depth: number): FieldValue | undefined {
    const body = this.#body;
    let text = '';
    let fields: Fields | undefined;
    for (;;) {
      const textStart = this.#position;
      const lessThan = this.#nextMarkup();
      if (lessThan === undefined) return undefined;
      if (fields === undefined && lessThan > textStart) {
        const segment = body.slice(textStart, lessThan);
        text += this.#lastTextHadReferences ? decodeStandardEntities(segment) : segment;
      }
      const next = body.charCodeAt(lessThan + 1);
      if (next === SLASH) {
        if (!body.startsWith(name, lessThan + 2) || body.charCodeAt(lessThan + 2 + name.length) !== GREATER_THAN) return undefined;
        this.#position = lessThan + name.length + 3;
        return fields ?? detached(text);
      }
      if (next === EXCLAMATION) {
        const characterData = this.#characterData(lessThan);
        if (characterData === undefined) return undefined;
        // CDATA is text taken as it stands, no references decoded.
        if (fields === undefined) text += characterData;
        continue;
      }
      if (depth >= MAX_FIELD_DEPTH) return undefined;
      const childName = this.#startTag(lessThan);
      if (childName === undefined) return undefined;
      const value = this.#selfClosing ? '' : this.#content(childName, depth + 1);
      if (value === undefined) return undefined;
      fields ??= {};
      this.#addField(fields, childName, value);
    }
  }

  /** Adds a child's value as the full parse does: a repeated name turns into a list in first-seen position. */
  #addField(fields: Fields, name: string, value: FieldValue): void {
    if (typeof value !== 'string') this.#nested = true;
    if (!Object.hasOwn(fields, name)) {
      fields[name] = value;
      return;
    }
    this.#nested = true;
    const existing = fields[name] as FieldValue;
    if (Array.isArray(existing)) existing.push(value);
    else fields[name] = [existing, value];
  }

  /**
   * The `<` that ends the text at the current position, once that text is checked: every `&` in it
   * must start a well-formed reference. Undefined at the end of the body or on a stray `&`.
   */
  #nextMarkup(): number | undefined {
    const body = this.#body;
    const textStart = this.#position;
    const lessThan = body.indexOf('<', textStart);
    if (lessThan === -1) return undefined;
    const references = this.#referencesIn(textStart, lessThan);
    if (references === MALFORMED_REFERENCE) return undefined;
    this.#lastTextHadReferences = references === WELL_FORMED_REFERENCES;
    this.#position = lessThan;
    return lessThan;
  }

  #referencesIn(from: number, to: number): TextReferences {
    const body = this.#body;
    let ampersand = this.#nextAmpersand;
    if (ampersand < from) {
      ampersand = body.indexOf('&', from);
      if (ampersand === -1) ampersand = body.length;
    }
    let found: TextReferences = NO_REFERENCES;
    while (ampersand < to) {
      REFERENCE.lastIndex = ampersand;
      if (!REFERENCE.test(body)) return MALFORMED_REFERENCE;
      found = WELL_FORMED_REFERENCES;
      ampersand = body.indexOf('&', REFERENCE.lastIndex);
      if (ampersand === -1) ampersand = body.length;
    }
    this.#nextAmpersand = ampersand;
    return found;
  }

  /** A CDATA section's text, the position moved past it; undefined for any other `<!` markup or an unclosed section. */
  #characterData(lessThan: number): string | undefined {
    const body = this.#body;
    if (!body.startsWith(CDATA_START, lessThan)) return undefined;
    const end = body.indexOf(CDATA_END, lessThan + CDATA_START.length);
    if (end === -1) return undefined;
    this.#position = end + CDATA_END.length;
    return body.slice(lessThan + CDATA_START.length, end);
  }

  /** The name of the attribute-less start tag at `lessThan` (`<NAME>` or `<NAME/>`), the position moved past it. */
  #startTag(lessThan: number): string | undefined {
    const body = this.#body;
    const greaterThan = body.indexOf('>', lessThan + 1);
    if (greaterThan === -1) return undefined;
    this.#selfClosing = body.charCodeAt(greaterThan - 1) === SLASH;
    const name = body.slice(lessThan + 1, this.#selfClosing ? greaterThan - 1 : greaterThan);
    if (!this.#checkedNames.has(name)) {
      if (!isPlainName(name)) return undefined;
      this.#checkedNames.add(name);
    }
    this.#position = greaterThan + 1;
    return name;
  }
}

/**
 * Reads a list answer's records from its text (line ends already normalized to `\n`), at most
 * `maxRecords` of them; undefined when the answer is not in the plain form read here.
 * The envelope around the records is left to the caller to validate and parse.
 */
export function readRecordList(body: string, maxRecords: number): RecordListText | undefined {
  const start = findRecordList(body);
  if (start === undefined) return undefined;
  const { contentStart } = start;
  if (start.selfClosing) return { contentStart, contentEnd: contentStart, records: [] };
  const read = new RecordListReader(body, contentStart).readRecords(maxRecords);
  return read && { contentStart, contentEnd: read.contentEnd, records: read.records };
}
