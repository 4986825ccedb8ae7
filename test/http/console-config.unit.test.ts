import { describe, expect, it } from 'vitest';
import { ConsoleConfigError, parseConsoleConfig } from '#http/console-config';

const local = { apiUrl: 'http://127.0.0.1:3000/', signIn: { kind: 'local', users: [{ tenantId: 'demo-a', profile: 'admin', token: 't' }] } };
const oidc = {
  apiUrl: 'https://api.example.com',
  signIn: { kind: 'oidc', authority: 'https://issuer.example.com', clientId: 'c', scope: 'openid email', logoutUrl: null, bearer: 'id_token' },
};

describe('the console configuration', () => {
  it("takes a local sign-in with demo users, trimming the API URL's trailing slash", () => {
    expect(parseConsoleConfig(local)).toEqual({ ...local, apiUrl: 'http://127.0.0.1:3000' });
  });

  it('takes an OIDC sign-in', () => {
    expect(parseConsoleConfig(oidc)).toEqual(oidc);
  });

  it.each([
    ['not an object', [], 'JSON object'],
    ['no API URL', { ...local, apiUrl: '' }, 'config.apiUrl'],
    ['a relative API URL', { ...local, apiUrl: '/api' }, 'absolute URL'],
    ['a javascript: API URL', { ...local, apiUrl: 'javascript:alert(1)' }, 'http(s) URL'],
    ['no users', { ...local, signIn: { kind: 'local', users: [] } }, 'at least one user'],
    [
      'an unknown profile',
      { ...local, signIn: { kind: 'local', users: [{ tenantId: 'a', profile: 'owner', token: 't' }] } },
      'profile must be one of',
    ],
    ['a scope without openid', { ...oidc, signIn: { ...oidc.signIn, scope: 'email' } }, 'include openid'],
    ['an unknown bearer', { ...oidc, signIn: { ...oidc.signIn, bearer: 'code' } }, 'signIn.bearer'],
    ['an unknown kind', { ...oidc, signIn: { kind: 'saml' } }, 'local or oidc'],
  ])('refuses %s, saying what is wrong', (_name, value, message) => {
    expect(() => parseConsoleConfig(value)).toThrow(ConsoleConfigError);
    expect(() => parseConsoleConfig(value)).toThrow(message);
  });
});
