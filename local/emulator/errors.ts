import { randomBytes } from 'node:crypto';

const SUPPORT_ID_BYTES = 18;

/** A function-level (result) failure: the function fails, the other functions of the request still run. */
export class FunctionFailure extends Error {
  constructor(
    readonly errorno: string,
    readonly description2: string,
    readonly correction = '',
    readonly description = '',
  ) {
    super(description2);
    this.name = 'FunctionFailure';
  }
}

/** An id in the style of the ones Intacct appends to description2, so support can find the request. */
function newSupportId(): string {
  return randomBytes(SUPPORT_ID_BYTES).toString('base64url').replace(/-/g, '%7E');
}

/** Intacct appends `[Support ID: ...]` to the description2 of most function failures. */
export function withSupportId(text: string): string {
  return `${text} [Support ID: ${newSupportId()}]`;
}

export const QUERY_FAILED = 'Query Failed';
/** Business-logic failures (create/update/delete) use this errorno in production answers. */
export const BUSINESS_RULE_FAILED = 'BL01001973';
export const XML_PARSE_ERROR = 'XL03000003';
export const SIGN_IN_FAILED = 'XL03000006';
export const TRANSACTION_ROLLED_BACK = 'XL03000009';
export const RATE_LIMITED = 'GW-0010';
/** The gateway's own refusal of a login's user or password, sent with HTTP 401. */
export const SIGN_IN_REFUSED_BY_GATEWAY = 'XMLGW_JPP0002';
