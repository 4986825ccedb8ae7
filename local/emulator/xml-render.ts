/** String-building renderers for gateway answers (no XML library: answers can be megabytes). */

import type { IntacctRecord } from './schema';

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

const TEXT_SPECIALS = /[&<>]/;
const ATTRIBUTE_SPECIALS = /[&<>"]/;

/** Escapes element text: & < > (apostrophes and quotes stay, as in production answers). */
export function escapeText(text: string): string {
  if (!TEXT_SPECIALS.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value written in double quotes. */
export function escapeAttribute(text: string): string {
  if (!ATTRIBUTE_SPECIALS.test(text)) return text;
  return escapeText(text).replace(/"/g, '&quot;');
}

/** <name>escaped text</name>; an empty value gives an empty element, as Intacct does. */
export function element(name: string, text: string): string {
  return `<${name}>${escapeText(text)}</${name}>`;
}

export interface ErrorDetail {
  errorno: string;
  description?: string;
  description2?: string;
  correction?: string;
}

export function renderErrorMessage(errors: ErrorDetail[]): string {
  const body = errors
    .map(
      (error) =>
        `<error>${element('errorno', error.errorno)}${element('description', error.description ?? '')}` +
        `${element('description2', error.description2 ?? '')}${element('correction', error.correction ?? '')}</error>`,
    )
    .join('');
  return `<errormessage>${body}</errormessage>`;
}

/**
 * An errormessage whose errors carry only errorno and description, as the gateway's own sign-in
 * refusal (XMLGW_JPP0002) does.
 */
export function renderBriefErrorMessage(errors: { errorno: string; description: string }[]): string {
  const body = errors.map((error) => `<error>${element('errorno', error.errorno)}${element('description', error.description)}</error>`).join('');
  return `<errormessage>${body}</errormessage>`;
}

export interface ControlEcho {
  senderId: string;
  controlId: string;
  uniqueId: string;
  dtdVersion: string;
}

export function renderControl(status: 'success' | 'failure', echo: ControlEcho): string {
  return (
    `<control>${element('status', status)}${element('senderid', echo.senderId)}${element('controlid', echo.controlId)}` +
    `${element('uniqueid', echo.uniqueId)}${element('dtdversion', echo.dtdVersion)}</control>`
  );
}

/** Wraps response content in the declaration and <response>. */
export function renderResponse(inner: string): string {
  return `${XML_DECLARATION}\n<response>${inner}</response>`;
}

/**
 * Renders records, each as <elementName> holding exactly the given fields (dotted names kept),
 * each named as `names` says (default: its stored name). Plain `+=` lets V8 build a rope and
 * flatten it once, which beat array-join here.
 */
export function renderRecords(
  elementName: string,
  records: readonly IntacctRecord[],
  fields: readonly string[],
  names: readonly string[] = fields,
): string {
  const open = names.map((name) => `<${name}>`);
  const close = names.map((name) => `</${name}>`);
  const recordOpen = `<${elementName}>`;
  const recordClose = `</${elementName}>`;
  let out = '';
  for (const record of records) {
    out += recordOpen;
    for (let index = 0; index < fields.length; index += 1) {
      out += (open[index] as string) + escapeText(record[fields[index] as string] ?? '') + (close[index] as string);
    }
    out += recordClose;
  }
  return out;
}

/** <data attrs>inner</data>, self-closing when there is nothing inside (as production does for zero records). */
export function renderData(attributes: Record<string, string | number>, inner: string): string {
  const attributeText = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
  return inner === '' ? `<data${attributeText}/>` : `<data${attributeText}>${inner}</data>`;
}
