/** Characters XML 1.0 allows at all; anything else cannot be sent, escaped or not. */
import { canTravelToIntacct } from '#domain/intacct-records';

const XML_SPECIAL_CHARACTER = /[&<>"'\r]/g;

const XML_REPLACEMENTS: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be folded into LF by the receiving parser.
  '\r': '&#13;',
};

/**
 * Escapes a value for use as XML text or attribute content. Non-ASCII passes through unchanged
 * (the request is sent as UTF-8). Throws RangeError for characters XML cannot carry at all.
 */
export function escapeXml(value: string): string {
  if (!canTravelToIntacct(value)) {
    throw new RangeError('Value contains a character that XML 1.0 cannot represent');
  }
  return value.replace(XML_SPECIAL_CHARACTER, (character) => XML_REPLACEMENTS[character] ?? character);
}

/** `<name>escaped value</name>`; the only way values enter a request. */
export function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

/** Sender (vendor) credentials that go into every request's `<control>` block. */
interface SenderCredentials {
  senderId: string;
  senderPassword: string;
}

/** User login for getAPISession. */
interface LoginCredentials {
  userId: string;
  companyId: string;
  userPassword: string;
  entityId?: string;
}

/** How an operation authenticates: a user login (getAPISession only) or an API session. */
export type RequestAuthentication = { login: LoginCredentials } | { sessionId: string };

/** Everything one request envelope needs; `functionXml` is already-built, already-escaped function content. */
export interface EnvelopeInput {
  sender: SenderCredentials;
  authentication: RequestAuthentication;
  controlId: string;
  functionControlId: string;
  functionXml: string;
}

const DTD_VERSION = '3.0';

function authenticationXml(authentication: RequestAuthentication): string {
  if ('sessionId' in authentication) {
    return element('sessionid', authentication.sessionId);
  }
  const { login } = authentication;
  return (
    '<login>' +
    element('userid', login.userId) +
    element('companyid', login.companyId) +
    element('password', login.userPassword) +
    (login.entityId ? element('locationid', login.entityId) : '') +
    '</login>'
  );
}

/**
 * Builds the full `<request>` envelope for one function. `uniqueid` is false because the
 * connector only reads, and reads must be repeatable under the same control id.
 */
export function buildRequestXml(input: EnvelopeInput): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<request>' +
    '<control>' +
    element('senderid', input.sender.senderId) +
    element('password', input.sender.senderPassword) +
    element('controlid', input.controlId) +
    '<uniqueid>false</uniqueid>' +
    element('dtdversion', DTD_VERSION) +
    '<includewhitespace>false</includewhitespace>' +
    '</control>' +
    '<operation>' +
    `<authentication>${authenticationXml(input.authentication)}</authentication>` +
    `<content><function controlid="${escapeXml(input.functionControlId)}">${input.functionXml}</function></content>` +
    '</operation>' +
    '</request>'
  );
}

/** The getAPISession function body. */
export function getApiSessionFunctionXml(): string {
  return '<getAPISession/>';
}
