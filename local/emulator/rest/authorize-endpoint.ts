/**
 * GET and POST /ia/api/v1/oauth2/authorize. GET checks the authorization request and answers the
 * consent page; POST (the page's form) checks the request again, then either denies (redirect
 * with error=access_denied) or signs the demo user in and redirects with a single-use code.
 * A wrong sign-in answers the page again, 200 with an alert, as a browser sign-in page does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedCompany } from '../company';
import { entityOf } from '../company';
import { HTML_CONTENT_TYPE, HTTP_BAD_REQUEST, HTTP_METHOD_NOT_ALLOWED, HTTP_OK, send } from '../http-answers';
import type { AuthorizationRequest } from './authorization-request';
import { checkAuthorizationRequest, redirectWith } from './authorization-request';
import { renderAuthorizeErrorPage, renderConsentPage } from './authorize-page';
import type { GrantStore, Principal } from './grants';
import { isFormRequest, sendRedirect } from './oauth-answers';
import type { OAuthClientRegistry } from './oauth-clients';

export interface AuthorizeEndpointDeps {
  clients: OAuthClientRegistry;
  grants: GrantStore;
  companyFor(companyId: string): EmulatedCompany | undefined;
  readBody(request: IncomingMessage): Promise<string>;
}

const SIGN_IN_REFUSED = 'Sign-in information is incorrect. Check the company ID, user ID and password.';

/** The signed-in principal, or the reason the sign-in fails (shown on the page). */
function signIn(deps: AuthorizeEndpointDeps, form: URLSearchParams): { principal: Principal } | { error: string } {
  const company = deps.companyFor(form.get('company_id') ?? '');
  const userId = (form.get('user_id') ?? '').trim();
  if (!company || company.userId.toUpperCase() !== userId.toUpperCase() || company.userPassword !== form.get('password')) {
    return { error: SIGN_IN_REFUSED };
  }
  const entityId = (form.get('entity_id') ?? '').trim();
  if (entityId !== '' && !entityOf(company, entityId))
    return { error: `The entity ID '${entityId}' is not an entity of company '${company.companyId}'.` };
  return { principal: { companyId: company.companyId, userId: company.userId, entityId } };
}

function decide(deps: AuthorizeEndpointDeps, response: ServerResponse, request: AuthorizationRequest, form: URLSearchParams): void {
  const decision = form.get('decision');
  if (decision === 'deny') {
    sendRedirect(
      response,
      redirectWith(request.redirectUri, { error: 'access_denied', error_description: 'The user denied the request.', state: request.state }),
    );
    return;
  }
  if (decision !== 'approve') {
    send(response, HTTP_BAD_REQUEST, HTML_CONTENT_TYPE, renderAuthorizeErrorPage('decision must be approve or deny.'));
    return;
  }
  const outcome = signIn(deps, form);
  if ('error' in outcome) {
    const page = renderConsentPage({
      request,
      error: outcome.error,
      companyId: form.get('company_id') ?? '',
      userId: form.get('user_id') ?? '',
      entityId: form.get('entity_id') ?? '',
    });
    send(response, HTTP_OK, HTML_CONTENT_TYPE, page);
    return;
  }
  const code = deps.grants.issueCode({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    principal: outcome.principal,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
  });
  sendRedirect(response, redirectWith(request.redirectUri, { code, state: request.state }));
}

/** The sign-in fields the POST carries beside the authorization request's own parameters. */
const SIGN_IN_FIELDS = ['company_id', 'user_id', 'password', 'entity_id', 'decision'];

export async function handleAuthorize(deps: AuthorizeEndpointDeps, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  let params: URLSearchParams;
  let form: URLSearchParams | undefined;
  if (request.method === 'GET') {
    params = url.searchParams;
  } else if (request.method === 'POST') {
    const text = await deps.readBody(request);
    if (!isFormRequest(request)) {
      send(response, HTTP_BAD_REQUEST, HTML_CONTENT_TYPE, renderAuthorizeErrorPage('The form must be posted as application/x-www-form-urlencoded.'));
      return;
    }
    form = new URLSearchParams(text);
    params = new URLSearchParams([...form].filter(([name]) => !SIGN_IN_FIELDS.includes(name)));
  } else {
    send(response, HTTP_METHOD_NOT_ALLOWED, HTML_CONTENT_TYPE, renderAuthorizeErrorPage('The authorize endpoint takes GET and POST only.'));
    return;
  }
  const check = checkAuthorizationRequest(deps.clients, params);
  switch (check.kind) {
    case 'notRedirectable':
      send(response, HTTP_BAD_REQUEST, HTML_CONTENT_TYPE, renderAuthorizeErrorPage(check.message));
      return;
    case 'redirectError':
      sendRedirect(response, redirectWith(check.redirectUri, { error: check.error, error_description: check.description, state: check.state }));
      return;
    default:
      if (form) decide(deps, response, check.request, form);
      else send(response, HTTP_OK, HTML_CONTENT_TYPE, renderConsentPage({ request: check.request }));
  }
}
