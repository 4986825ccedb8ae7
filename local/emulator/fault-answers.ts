/**
 * What a faulted request gets instead of (or made from) its real answer: the pages and error
 * bodies production's gateway and its Cloudflare front send when something is wrong.
 */

import { BUSINESS_RULE_FAILED, RATE_LIMITED, SIGN_IN_REFUSED_BY_GATEWAY, TRANSACTION_ROLLED_BACK, withSupportId } from './errors';
import type { ActiveFault } from './faults';
import type { ErrorDetail } from './xml-render';
import { renderBriefErrorMessage, renderErrorMessage, renderResponse, XML_DECLARATION } from './xml-render';

/** What Cloudflare serves when the origin fails: HTML, not XML. */
export const CLOUDFLARE_ERROR_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US"><head><title>api.intacct.com | 500: Internal server error</title></head>' +
  '<body><div id="cf-error-details"><h1>Internal server error</h1><span>Error code 500</span>' +
  '<p>There is an unknown connection issue between Cloudflare and the origin web server.</p>' +
  '<p>Cloudflare Ray ID: <strong>8f2c1e0d9b7a6c54</strong></p></div></body></html>\n';

/** Cloudflare's block page, for the cloudflare403 fault: a client that hammers the gateway can meet it. */
export const CLOUDFLARE_BLOCK_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>' +
  '<body><div id="cf-wrapper"><div id="cf-error-details"><h1>Sorry, you have been blocked</h1>' +
  '<h2>You are unable to access api.intacct.com</h2>' +
  '<p>This website is using a security service to protect itself from online attacks.</p>' +
  '<p>Cloudflare Ray ID: <strong>8f2c1e0d9b7a6c55</strong></p></div></div></body></html>\n';

/**
 * Cloudflare's browser-check interstitial, for the cloudflare200 fault: it comes with HTTP 200, so
 * only the body (HTML, no <response>) tells a client it is not Intacct's answer.
 */
export const CLOUDFLARE_CHALLENGE_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US"><head><title>Just a moment...</title></head>' +
  '<body><div class="main-content"><h1>api.intacct.com</h1><h2>Checking if the site connection is secure</h2>' +
  '<p>Cloudflare Ray ID: <strong>8f2c1e0d9b7a6c56</strong></p></div></body></html>\n';

/** What the http503 fault serves: the origin is down for maintenance, behind Cloudflare. */
export const SERVICE_UNAVAILABLE_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US"><head><title>api.intacct.com | 503: Service temporarily unavailable</title></head>' +
  '<body><div id="cf-error-details"><h1>Service temporarily unavailable</h1><span>Error code 503</span>' +
  '<p>The server is temporarily unable to service your request. Please try again later.</p></div></body></html>\n';

/** The GW-0010 answer for too many concurrent requests (its exact production text is not published). */
export function rateLimitBody(limit: number | undefined): string {
  const detail = limit === undefined ? 'Too many requests.' : `Too many concurrent requests for this company (limit ${limit}).`;
  return renderResponse(
    renderErrorMessage([
      {
        errorno: RATE_LIMITED,
        description: 'Rate limit exceeded',
        description2: withSupportId(detail),
        correction: 'Wait, then retry the request with backoff.',
      },
    ]),
  );
}

/**
 * The HTTP 401 answer to a login whose user or password is wrong: a control-level failure the
 * gateway writes itself, its control block holding only the status and its error only errorno and
 * description (the shape of the intacct-sdk-js/-php/-net RequestHandler fixtures for a 401).
 */
export function signInRefusedBody(): string {
  return renderResponse(
    '<control><status>failure</status></control>' +
      renderBriefErrorMessage([{ errorno: SIGN_IN_REFUSED_BY_GATEWAY, description: 'Sign-in information is incorrect. Please check your request.' }]),
  );
}

const ROLLED_BACK = 'The entire transaction in this operation has been rolled back due to an error.';

/** How every function of a faulted request fails: its result status and errors, in order. */
export interface ForcedFailure {
  status: 'failure' | 'aborted';
  errors: ErrorDetail[];
}

/**
 * XL03000009 is never a cause of its own: production sends it after the error that made the
 * transaction fail, with the result `aborted` (intacct-sdk-js/-net response fixtures: "Query Failed"
 * then XL03000009). The cause here is the generic BL01001973 that real rolled-back answers lead with.
 */
function rolledBack(): ForcedFailure {
  return {
    status: 'aborted',
    errors: [
      { errorno: BUSINESS_RULE_FAILED, description2: withSupportId('Could not complete the request: the database operation was cancelled.') },
      { errorno: TRANSACTION_ROLLED_BACK, description2: ROLLED_BACK },
    ],
  };
}

/**
 * The result-level failure of an xmlError, rateLimitResult or offlineResult fault; undefined for
 * the other kinds. Intacct publishes no errorno for a rate limit or an outage reported inside an
 * HTTP 200 answer; peers report the wording ("API rate limit exceeded", "temporarily off-line"),
 * so the emulator leads with the generic BL01001973 real failures carry and puts that wording in
 * description and description2: a client must read the text, not the number. errorno overrides.
 */
export function forcedResultFailure(fault: ActiveFault): ForcedFailure | undefined {
  switch (fault.kind) {
    case 'xmlError':
      if (fault.errorno === undefined || fault.errorno === TRANSACTION_ROLLED_BACK) return rolledBack();
      return { status: 'failure', errors: [{ errorno: fault.errorno, description2: withSupportId('The request failed.') }] };
    case 'rateLimitResult':
      return textFailure(fault.errorno, RATE_LIMIT_TEXT, 'Please wait and try your request again.');
    case 'offlineResult':
      return textFailure(fault.errorno, OFFLINE_TEXT, 'Try your request again later.');
    default:
      return undefined;
  }
}

const RATE_LIMIT_TEXT = 'API rate limit exceeded';
const OFFLINE_TEXT = 'The service is temporarily off-line';

function textFailure(errorno: string | undefined, text: string, correction: string): ForcedFailure {
  return {
    status: 'failure',
    errors: [{ errorno: errorno ?? BUSINESS_RULE_FAILED, description: text, description2: withSupportId(`${text}.`), correction }],
  };
}

/** Cuts a real answer part-way (on a character boundary). */
export function truncateAnswer(body: string): string {
  let cut = Math.floor(body.length / 2);
  const code = body.charCodeAt(cut - 1);
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  if (isHighSurrogate) cut -= 1;
  return body.slice(0, cut);
}

/** Makes a real answer malformed: a closing tag past the middle no longer matches its opening tag. */
export function malformAnswer(body: string): string {
  const closing = body.indexOf('</', Math.floor(body.length / 2));
  const at = closing >= 0 ? closing : body.lastIndexOf('</');
  return `${body.slice(0, at)}</x${body.slice(at + 2)}`;
}

const ENTITY_LEVELS = 9;
const ENTITY_FANOUT = 10;

/** Adds a billion-laughs DOCTYPE to a real answer and uses its deepest entity in the controlid. */
export function addBillionLaughs(body: string): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level <= ENTITY_LEVELS; level += 1) {
    entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(ENTITY_FANOUT)}">`);
  }
  const doctype = `<!DOCTYPE response [\n${entities.join('\n')}\n]>`;
  const withoutDeclaration = body.startsWith(XML_DECLARATION) ? body.slice(XML_DECLARATION.length) : body;
  const withEntity = withoutDeclaration.replace('<controlid>', `<controlid>&lol${ENTITY_LEVELS};`);
  return `${XML_DECLARATION}\n${doctype}${withEntity}`;
}
