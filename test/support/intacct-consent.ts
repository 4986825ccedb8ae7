/**
 * Test helper: what an admin's browser does at Sage Intacct's consent page (the emulator's), from
 * the authorize URL the service answered: post the page's form with a sign-in and a decision, and
 * answer where Intacct sends the browser back (the service's callback, with a code or an error).
 */

export interface ConsentSignIn {
  companyId: string;
  userId: string;
  password: string;
  entityId?: string;
}

/** Posts the consent form for `authorizeUrl`; answers the redirect's Location (the callback URL). */
export async function decideAtIntacct(authorizeUrl: string, signIn: ConsentSignIn, decision: 'approve' | 'deny' = 'approve'): Promise<URL> {
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams(url.searchParams);
  form.set('company_id', signIn.companyId);
  form.set('user_id', signIn.userId);
  form.set('password', signIn.password);
  form.set('entity_id', signIn.entityId ?? '');
  form.set('decision', decision);
  const answer = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || location === null)
    throw new Error(`Intacct's consent page did not redirect: HTTP ${answer.status} ${await answer.text()}`);
  return new URL(location);
}
