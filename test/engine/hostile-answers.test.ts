/**
 * Nothing Intacct answers is trusted beyond what was asked: an import of a selection creates
 * clients only for the selected customers whatever else an answer holds, and outside text reaches
 * run records only bounded. A hostile answer cannot come from the emulator, so the source is
 * wrapped here to add records to its answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntacctFields } from '#domain/intacct-records';
import { MAX_OUTSIDE_TEXT } from '#domain/outside-text';
import type { IntacctSource, IntacctSourceFactory, ListingPage } from '#ports/intacct-source';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, allUsers, importClients, importUsers, intacctIds, recordsOf } from './engine-steps';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness([{ customers: 6, employees: 3, departments: 1, seed: 31 }]);
});
afterAll(async () => h.close());

/** A source whose by-id listings answer `answer(page)` instead of the page's records. */
function hostile(answer: (page: ListingPage) => IntacctFields[]): IntacctSourceFactory {
  return {
    forLogin(login) {
      const real = h.deps.intacct.forLogin(login);
      const widen = (pages: AsyncIterable<ListingPage>): AsyncIterable<ListingPage> =>
        (async function* () {
          for await (const page of pages) yield { ...page, records: answer(page) };
        })();
      const source: IntacctSource = Object.create(real) as IntacctSource;
      source.customersById = (ids, options) => widen(real.customersById(ids, options));
      source.employeesById = (ids, options) => widen(real.employeesById(ids, options));
      return source;
    },
  };
}

describe('an answer holding records nobody asked for', () => {
  it('imports only the selected customers', async () => {
    const [wanted, ...others] = await intacctIds(h, 'customer');
    const source = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
    const strangers: IntacctFields[] = [];
    for await (const page of source.customersById(others.slice(0, 3))) strangers.push(...page.records);
    const deps = { ...h.deps, intacct: hostile((page) => [...page.records, ...strangers]) };
    h.workers.attach(deps);
    try {
      const run = await importClients({ ...h, deps }, h.tenants[0]!, { customerIds: [wanted!] });

      expect(run.counts.created).toBe(1);
      expect((await allClients(h, h.tenants[0]!)).map((client) => client.integrations.intacct!.customerId)).toEqual([wanted]);
    } finally {
      h.workers.attach(h.deps);
    }
  });

  it('imports only the selected employees, and bounds a huge unreadable start date in its warning', async () => {
    const [wanted] = await intacctIds(h, 'employee');
    const huge = 'x'.repeat(500_000);
    const deps = {
      ...h.deps,
      intacct: hostile((page) => [
        ...page.records.map((record) => ({ ...record, STARTDATE: huge })),
        { ...page.records[0]!, RECORDNO: '999999', EMPLOYEEID: 'E-STRANGER' },
      ]),
    };
    h.workers.attach(deps);
    try {
      const run = await importUsers({ ...h, deps }, h.tenants[0]!, {
        employeeIds: [wanted!],
        permissionProfile: 'collaborator',
        assignDepartments: false,
      });

      expect(run.counts.created).toBe(1);
      expect((await allUsers(h, h.tenants[0]!)).map((user) => user.integrations.intacct!.employeeId)).toEqual([wanted]);
      const [record] = await recordsOf(h, h.tenants[0]!, run.id);
      expect(record!.warnings).toHaveLength(1);
      expect(record!.warnings[0]!.length).toBeLessThan(MAX_OUTSIDE_TEXT);
    } finally {
      h.workers.attach(h.deps);
    }
  });
});
