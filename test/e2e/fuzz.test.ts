/**
 * "Bad input never gives 500" (spec section 4), checked with fast-check against the local
 * runtime over real HTTP: for every route, arbitrary bodies (any JSON, the route's own field names
 * holding arbitrary values, hostile strings, text that is not JSON, no body at all), arbitrary
 * query strings and arbitrary path ids, sent with the admin token. Every answer must be below 500,
 * and every error must have the spec's error shape.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiClient, clientsFor, type RawApiAnswer } from './api-client';
import { errorBody, label, PERMISSION_PROFILES, SPEC_ROUTES, type SpecRoute } from './shapes';

/** Runs per route: enough variety to find a crash, few enough to keep the file well under a minute. */
const RUNS_PER_ROUTE = 25;
const FIRST_SERVER_ERROR = 500;
const FIRST_CLIENT_ERROR = 400;
/** Longer than any field allows, far shorter than the API's body limit. */
const LONG_TEXT = 'Ω'.repeat(20_000);
/** Over the API's 1 MB body limit: must be refused as too large, not crash. */
const OVERSIZED_BODY = JSON.stringify({ name: 'x'.repeat(1_100_000) });
const EXCERPT_CHARS = 300;
const MAX_PAGE = 200;
/** Short enough for any text field of the API. */
const PLAUSIBLE_TEXT_LENGTH = 100;
const ISO_DATE_LENGTH = 10;
/** Well-typed bodies are drawn this many times as often as each other kind, so most runs reach the use cases. */
const WELL_TYPED_WEIGHT = 4;
/** Longer than any cursor or search the API takes, well within a URL's usual limits. */
const LONG_QUERY_VALUE = 3000;

let runtime: TestRuntime;
let admin: ApiClient;
/** Real ids of tenant A, so junk bodies also meet records that exist. */
let realIds: Record<'clients' | 'users' | 'departments' | 'sync-runs', string[]>;

beforeAll(async () => {
  runtime = await startTestRuntime();
  ({ admin } = clientsFor(runtime));
  const customers = (await admin.get('/intacct/customers?limit=3')).body.items as any[];
  const employees = ((await admin.get('/intacct/employees?limit=20')).body.items as any[]).filter((e) => e.departmentId).slice(0, 2);
  const clientRun = await admin.post('/clients/import', { customerIds: customers.map((c) => c.customerId) });
  const userRun = await admin.post('/users/import', {
    employeeIds: employees.map((e) => e.employeeId),
    permissionProfile: 'admin',
    assignDepartments: true,
  });
  await admin.finishedRun(clientRun.body.runId);
  await admin.finishedRun(userRun.body.runId);
  realIds = {
    clients: (await admin.get('/clients')).body.items.map((c: any) => c.id),
    users: (await admin.get('/users')).body.items.map((u: any) => u.id),
    departments: (await admin.get('/departments')).body.items.map((d: any) => d.id),
    'sync-runs': [clientRun.body.runId, userRun.body.runId],
  };
}, 120_000);
afterAll(async () => {
  await runtime?.whenIdle();
  await runtime?.close();
});

/** Characters XML 1.0 cannot carry, among markup: what reaches Intacct must be refused before it. */
const xmlHostileString = fc.string({
  unit: fc.constantFrom('\u0000', '\u0007', '\u000b', '\u001f', '\ud800', '\udc00', '\ufffe', '\uffff', 'a', '<', '&', ']]>'),
  minLength: 1,
  maxLength: 8,
});

/** Strings that break naive code: quotes, markup, escapes, separators, odd Unicode. */
const hostileShortString = fc.oneof(
  fc.string({ unit: 'binary' }),
  xmlHostileString,
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    "'",
    '"',
    '\\',
    "' OR 1=1 --",
    "NAME = 'x' OR 1=1",
    '</NAME><injected/>',
    '<![CDATA[ ]]>',
    '&amp;&lt;&#0;',
    '\u0000',
    '\ud800',
    '\u202e',
    '🙂👩‍👩‍👧',
    '#',
    'a#b',
    '%',
    '%2F',
    '../..',
    ' ',
    '',
    '__proto__',
    'x'.repeat(LONG_QUERY_VALUE),
  ),
);

/** As above, and strings far longer than any field allows (bodies only: a URL that long is refused before the API). */
const hostileString = fc.oneof(hostileShortString, fc.constant(LONG_TEXT));

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.jsonValue(),
  fc.array(hostileString, { maxLength: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.constantFrom('admin', 'owner', 'collaborator', true, [], {}),
);

const SELECTION_FIELDS = new Set(['customerIds', 'employeeIds']);
const FLAG_FIELDS = new Set(['all', 'linkMatches', 'dryRun', 'assignDepartments']);

/** Hostile text that a length or blank check alone would not refuse, so it reaches the use case. */
const plausibleHostileText = hostileShortString.filter((text) => text.trim() !== '' && text.length <= PLAUSIBLE_TEXT_LENGTH);

/** A value of the type the spec implies for `field`, holding hostile content where it is text. */
function wellTypedValue(field: string): fc.Arbitrary<unknown> {
  if (SELECTION_FIELDS.has(field)) return fc.array(plausibleHostileText, { minLength: 1, maxLength: 4 });
  if (FLAG_FIELDS.has(field)) return fc.boolean();
  if (field === 'permissionProfile') return fc.constantFrom(...PERMISSION_PROFILES);
  if (field === 'email') return fc.oneof(fc.emailAddress(), plausibleHostileText);
  if (field === 'startDate')
    return fc.oneof(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, ISO_DATE_LENGTH)),
      plausibleHostileText,
    );
  return plausibleHostileText;
}

/** Every field of `route` present and well typed, so hostile text gets past validation to the use case and Intacct. */
function wellTypedBody(route: SpecRoute): fc.Arbitrary<Record<string, unknown>> {
  const fields = route.fields ?? [];
  return fc.record(Object.fromEntries(fields.map((field) => [field, wellTypedValue(field)])), {
    requiredKeys: fields.filter((field) => !FLAG_FIELDS.has(field) || field === 'assignDepartments'),
  });
}

/** Body text for `route`: any JSON, its own fields with arbitrary or well-typed values, broken JSON, or none. */
function bodyText(route: SpecRoute): fc.Arbitrary<string | undefined> {
  const names = [...(route.fields ?? ['name', 'id']), 'unknownField', '__proto__', 'constructor'];
  return fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    { arbitrary: wellTypedBody(route).map((value) => JSON.stringify(value)), weight: WELL_TYPED_WEIGHT },
    fc.dictionary(fc.constantFrom(...names), anyValue, { maxKeys: names.length }).map((value) => JSON.stringify(value)),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      undefined,
      '',
      '{',
      '{"a":',
      '[1,',
      'nul',
      '{}',
      '[]',
      'null',
      '"text"',
      '\u0000',
      '{"__proto__":{"admin":true}}',
      OVERSIZED_BODY,
    ),
  );
}

/** A query string with junk in limit, cursor and search, encoded or raw. */
const queryString: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      { limit: fc.oneof(hostileShortString, fc.integer().map(String)), cursor: hostileShortString, search: hostileShortString },
      { requiredKeys: [] },
    )
    .map((query) => new URLSearchParams(query).toString()),
  fc.constantFrom('', 'limit=%', 'cursor=%zz', 'search=%E0%A4%A', 'limit=1&limit=2', 'search[]=x', 'limit=1e3', 'limit=0x10', 'cursor=', '&&&', '=x'),
);

/** A path id: encoded arbitrary text, raw hostile segments, or an id tenant A really has. */
function pathId(route: SpecRoute): fc.Arbitrary<string> {
  const family = route.path.split('/')[1] as keyof typeof realIds;
  return fc.oneof(
    fc.string({ unit: 'binary', minLength: 1 }).map(encodeURIComponent),
    fc.constantFrom(
      '%2F',
      '%23',
      '#',
      '..',
      '%2e%2e',
      '%',
      '%zz',
      '%00',
      'é',
      encodeURIComponent('🙂'),
      'a%2Fb',
      '%20',
      'x'.repeat(5000),
      'a;b',
      'a%3Fb=1',
    ),
    fc.constantFrom(...realIds[family]),
  );
}

interface FuzzRequest {
  path: string;
  body: string | undefined;
}

function requestFor(route: SpecRoute): fc.Arbitrary<FuzzRequest> {
  const id = route.path.includes('{id}') ? pathId(route) : fc.constant('');
  // fetch cannot send a GET with a body, and API Gateway would not pass one on.
  const body = route.method === 'GET' ? fc.constant(undefined) : bodyText(route);
  return fc.record({ id, query: queryString, body }).map(({ id: value, query, body: text }) => ({
    path: `${route.path.replace('{id}', value)}${query === '' ? '' : `?${query}`}`,
    body: text,
  }));
}

/** Bad gateway: Intacct refused or failed. */
const INTACCT_FAILED = 502;

const excerpt = (text: string | undefined): string =>
  text === undefined ? '(no body)' : text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}… (${text.length} chars)` : text;

/**
 * The spec's promises about any answer: never a 5xx of our own, and every error in the error
 * shape. 502 is the spec's answer when Intacct itself refuses (credentials made up by the fuzzer),
 * and then its code says so.
 */
function answerProblems(answer: RawApiAnswer): string[] {
  const intacctRefused =
    answer.status === INTACCT_FAILED && /^intacct_/.test(String((answer.body as { error?: { code?: unknown } } | undefined)?.error?.code));
  if (answer.status >= FIRST_SERVER_ERROR && !intacctRefused) return [`answered ${answer.status}`];
  if (answer.status < FIRST_CLIENT_ERROR) return [];
  if (!answer.isJson) return [`error ${answer.status} is not JSON`];
  return errorBody(answer.body, 'error body');
}

/** Routes whose effect would starve the rest (disconnecting) go last. */
const ORDERED_ROUTES = [
  ...SPEC_ROUTES.filter((route) => label(route) !== 'DELETE /integrations/intacct'),
  ...SPEC_ROUTES.filter((route) => label(route) === 'DELETE /integrations/intacct'),
];

it.each(ORDERED_ROUTES.map((route) => [label(route), route] as const))(
  '%s never answers 5xx and every error has the spec shape',
  async (name, route) => {
    const property = fc.asyncProperty(requestFor(route), async (request) => {
      const answer = await admin.raw(route.method, request.path, request.body === undefined ? {} : { rawBody: request.body });
      const problems = answerProblems(answer);
      if (problems.length > 0) {
        throw new Error(
          `${route.method} ${excerpt(request.path)} with body ${excerpt(request.body)} → ${answer.status} ${excerpt(answer.text)}: ${problems.join('; ')}`,
        );
      }
    });
    // Our own report instead of fast-check's: its counterexample would print 20 kB strings whole.
    const result = await fc.check(property, { numRuns: RUNS_PER_ROUTE, endOnFailure: true });
    if (result.failed) {
      const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      const report = `${name} (seed ${result.seed}, path ${result.counterexamplePath}): ${cause}`;
      console.error(`fuzz counterexample: ${report}`);
      throw new Error(report);
    }
  },
);

it('every run the fuzzing started ended without an unexpected error', async () => {
  await runtime.whenIdle();
  const runs = (await admin.allPages('/sync-runs', MAX_PAGE)).items as any[];
  const unexpected = runs.filter((run) => run.error?.code === 'internal_error' || ['queued', 'running'].includes(run.status));
  expect(unexpected).toEqual([]);
});
