/**
 * The consent page GET /oauth2/authorize answers: a sign-in form for a demo user of a company
 * (company id, user id, password, optional entity) with Approve and Deny buttons. The authorization
 * request rides along in hidden fields and comes back by POST to the same path.
 */
import type { AuthorizationRequest } from './authorization-request';

export interface ConsentPageInput {
  request: AuthorizationRequest;
  /** Shown in an alert, e.g. after a wrong password. */
  error?: string;
  /** Sign-in fields to fill in again after a refusal (never the password). */
  companyId?: string;
  userId?: string;
  entityId?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function textField(id: string, label: string, value: string, type = 'text', isRequired = true): string {
  return (
    `<p><label for="${id}">${label}</label> ` +
    `<input id="${id}" name="${id}" type="${type}" value="${escapeHtml(value)}"${isRequired ? ' required' : ''}></p>`
  );
}

/** The whole HTML page. */
export function renderConsentPage(input: ConsentPageInput): string {
  const { request } = input;
  const alert = input.error === undefined ? '' : `<p role="alert">${escapeHtml(input.error)}</p>`;
  const scopes = request.scopes.length === 0 ? 'read access' : request.scopes.map(escapeHtml).join(', ');
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign in to Sage Intacct (emulator)</title></head><body>' +
    '<main><h1>Sign in to Sage Intacct</h1>' +
    `<p>The application <strong>${escapeHtml(request.clientId)}</strong> asks for ${scopes} to your company's data.</p>` +
    alert +
    '<form method="post" action="/ia/api/v1/oauth2/authorize">' +
    hidden('response_type', 'code') +
    hidden('client_id', request.clientId) +
    hidden('redirect_uri', request.redirectUri) +
    hidden('state', request.state) +
    hidden('scope', request.scopes.length === 0 ? undefined : request.scopes.join(' ')) +
    hidden('code_challenge', request.codeChallenge) +
    hidden('code_challenge_method', request.codeChallenge === undefined ? undefined : 'S256') +
    textField('company_id', 'Company ID', input.companyId ?? '') +
    textField('user_id', 'User ID', input.userId ?? '') +
    textField('password', 'Password', '', 'password') +
    textField('entity_id', 'Entity ID (optional)', input.entityId ?? '', 'text', false) +
    '<p><button type="submit" name="decision" value="approve">Approve</button> ' +
    '<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></p>' +
    '</form></main></body></html>\n'
  );
}

/** The page for a request that cannot be redirected back (unknown client or redirect URI). */
export function renderAuthorizeErrorPage(message: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head><body>' +
    `<main><h1>Authorization error</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>\n`
  );
}
