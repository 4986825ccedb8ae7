import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SIGN_IN_FAILED, XML_PARSE_ERROR } from './errors';
import type { XmlNode } from './xml-node';
import { attributeOf, childOf, childrenOf, elementNames, hasChild, textOf } from './xml-node';
import type { ControlEcho, ErrorDetail } from './xml-render';

type Authentication =
  | { kind: 'login'; userId: string; companyId: string; password: string; locationId: string }
  | { kind: 'session'; sessionId: string };

export interface FunctionCall {
  name: string;
  controlId: string;
  /** The element named after the function (<query>, <readByQuery>, ...). */
  body: XmlNode;
}

export interface GatewayRequest {
  echo: ControlEcho;
  senderPassword: string;
  authentication: Authentication | undefined;
  functions: FunctionCall[];
}

export type ParsedRequest = { ok: true; request: GatewayRequest } | { ok: false; echo: ControlEcho; error: ErrorDetail };

const FUNCTION_PATH = 'request.operation.content.function';

/** The functions the emulator serves; any other function element fails the request's schema check. */
const GATEWAY_FUNCTIONS = [
  'getAPISession',
  'query',
  'readByQuery',
  'readMore',
  'read',
  'readByName',
  'lookup',
  'inspect',
  'create',
  'update',
  'delete',
] as const;
export type GatewayFunctionName = (typeof GATEWAY_FUNCTIONS)[number];

function isGatewayFunction(name: string): name is GatewayFunctionName {
  return (GATEWAY_FUNCTIONS as readonly string[]).includes(name);
}
const DOCTYPE = /<!DOCTYPE/i;

/** Which elements are lists, so one item still comes back as an array. */
function isListElement(_name: string, jPath: unknown, _isLeaf: boolean, isAttribute: boolean): boolean {
  if (isAttribute || typeof jPath !== 'string') return false;
  if (jPath === FUNCTION_PATH) return true;
  if (!jPath.startsWith(`${FUNCTION_PATH}.`)) return false;
  const parts = jPath.slice(FUNCTION_PATH.length + 1).split('.');
  const [functionName, section] = parts;
  if (functionName === 'query') {
    const inner = parts.slice(1).join('.');
    return inner === 'select.field' || inner === 'orderby.order' || (section === 'filter' && parts.length > 2);
  }
  return (functionName === 'create' || functionName === 'update') && parts.length === 2;
}

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: true,
  // Decodes numeric character references (&#233;) too; plain XML entities are handled either way.
  htmlEntities: true,
  isArray: isListElement,
});

const EMPTY_ECHO: ControlEcho = { senderId: '', controlId: '', uniqueId: 'false', dtdVersion: '3.0' };

function parseFailure(description2: string, echo: ControlEcho = EMPTY_ECHO): ParsedRequest {
  return { ok: false, echo, error: { errorno: XML_PARSE_ERROR, description2, correction: 'Check the XML of your request.' } };
}

function parseAuthentication(operation: XmlNode): Authentication | undefined {
  const authentication = childOf(operation, 'authentication');
  const login = childOf(authentication, 'login');
  if (login !== undefined) {
    return {
      kind: 'login',
      userId: textOf(childOf(login, 'userid')),
      companyId: textOf(childOf(login, 'companyid')),
      password: textOf(childOf(login, 'password')),
      locationId: textOf(childOf(login, 'locationid')),
    };
  }
  if (hasChild(authentication, 'sessionid')) {
    return { kind: 'session', sessionId: textOf(childOf(authentication, 'sessionid')) };
  }
  return undefined;
}

function parseFunctions(operation: XmlNode): FunctionCall[] {
  return childrenOf(childOf(operation, 'content'), 'function').map((node) => {
    const name = elementNames(node)[0] ?? '';
    return { name, controlId: attributeOf(node, 'controlid') ?? '', body: childOf(node, name) };
  });
}

/**
 * Parses and checks a gateway request body. Refuses a DOCTYPE (Intacct never takes one, and
 * entity expansion is a denial-of-service risk) and validates before parsing, since the parser
 * silently accepts mismatched tags.
 */
export function parseGatewayRequest(body: string): ParsedRequest {
  if (DOCTYPE.test(body)) return parseFailure('A DOCTYPE is not allowed in a request.');
  const validation = XMLValidator.validate(body);
  if (validation !== true) {
    return parseFailure(`XML could not be parsed: ${validation.err.msg} (line ${validation.err.line}).`);
  }
  let document: XmlNode;
  try {
    document = parser.parse(body);
  } catch (error) {
    return parseFailure(`XML could not be parsed: ${(error as Error).message}`);
  }
  const request = childOf(document, 'request');
  if (request === undefined) return parseFailure('The request has no <request> element.');
  const control = childOf(request, 'control');
  const echo: ControlEcho = {
    senderId: textOf(childOf(control, 'senderid')),
    controlId: textOf(childOf(control, 'controlid')),
    uniqueId: textOf(childOf(control, 'uniqueid')) || 'false',
    dtdVersion: textOf(childOf(control, 'dtdversion')) || '3.0',
  };
  const operation = childOf(request, 'operation');
  if (control === undefined) return parseFailure('The request has no <control> element.', echo);
  if (operation === undefined) return parseFailure('The request has no <operation> element.', echo);
  const functions = parseFunctions(operation);
  // Production validates the request against its schema before anything runs, so an unknown
  // function fails the whole request at control level (XL03000003), not just its own result.
  const unknown = functions.find((call) => !isGatewayFunction(call.name));
  if (unknown) {
    const what = unknown.name === '' ? 'A <function> element has no function in it' : `Element '${unknown.name}' is not a function the gateway knows`;
    return parseFailure(`XML Parse schema error: ${what}.`, echo);
  }
  return {
    ok: true,
    request: { echo, senderPassword: textOf(childOf(control, 'password')), authentication: parseAuthentication(operation), functions },
  };
}

/** The control-level failure for wrong sender credentials, worded as production words it. */
export const SENDER_REJECTED: ErrorDetail = {
  errorno: SIGN_IN_FAILED,
  description2: 'Incorrect Intacct XML Partner ID or password.',
};
