/**
 * The official @intacct/intacct-sdk (2.2.1) as a client of the emulator: what a third party's
 * production code would send, answered in a shape it accepts, with the emulator's own values.
 * The SDK refuses endpoints outside *.intacct.com; its domain check is widened to loopback for
 * this file only, and put back afterwards.
 */
import { ClientConfig, Credentials, Exceptions, Functions, OnlineClient, SessionProvider } from '@intacct/intacct-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway } from './gateway-client';

type Row = Record<string, string>;
type DomainCheck = (hostname: string) => boolean;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
const MAIL = 'DISPLAYCONTACT.MAILADDRESS';
const CUSTOMERS = 250;
const PAGE_SIZE = 100;
const { NewQuery } = Functions.Common;

/** A NewQuery.Query set up by `configure` (its assign methods answer the interface, not the class). */
function buildQuery(configure: (query: InstanceType<typeof NewQuery.Query>) => void): InstanceType<typeof NewQuery.Query> {
  const query = new NewQuery.Query();
  configure(query);
  return query;
}

describe('the official Intacct SDK against the emulator', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let originalDomainCheck: DomainCheck;
  // isDomainValid is private in the SDK's types; it is a plain static method at run time.
  const endpoint = Credentials.Endpoint as unknown as { isDomainValid: DomainCheck };

  function config(overrides: Partial<ClientConfig> = {}): ClientConfig {
    const company = emulator.companies[0]!;
    const clientConfig = new ClientConfig();
    clientConfig.endpointUrl = emulator.endpointUrl;
    clientConfig.senderId = emulator.senderId;
    clientConfig.senderPassword = emulator.senderPassword;
    clientConfig.companyId = company.companyId;
    clientConfig.userId = company.userId;
    clientConfig.userPassword = company.userPassword;
    return Object.assign(clientConfig, overrides);
  }

  async function sessionClient(overrides: Partial<ClientConfig> = {}): Promise<OnlineClient> {
    return new OnlineClient(await SessionProvider.factory(config(overrides)));
  }

  async function failureOf(work: Promise<unknown>): Promise<unknown> {
    return work.then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  beforeAll(async () => {
    originalDomainCheck = endpoint.isDomainValid;
    endpoint.isDomainValid = (hostname) => LOOPBACK_HOSTS.has(hostname) || originalDomainCheck.call(Credentials.Endpoint, hostname);
    emulator = await startEmulator({
      companies: [
        {
          companyId: 'SDKCO',
          userId: 'ws_sdk',
          userPassword: 'sdk-pass',
          customers: CUSTOMERS,
          employees: 20,
          departments: 6,
          seed: 31,
          entities: 2,
        },
      ],
    });
    gateway = new TestGateway(emulator);
  });
  afterAll(async () => {
    endpoint.isDomainValid = originalDomainCheck;
    await emulator.close();
  });

  it("logs in with SessionProvider: a session at the emulator's endpoint, top level, with its timeout", async () => {
    const session = await SessionProvider.factory(config());

    expect(session.sessionId).toMatch(/\S{20,}\.\.$/);
    expect(session.endpointUrl).toBe(emulator.endpointUrl);
    expect(session.entityId).toBe('');
    expect(session.companyId).toBe('SDKCO');
    expect(Date.parse(session.sessionTimeout)).toBeGreaterThan(Date.parse(session.sessionTimestamp));
  });

  it('logs in at an entity: the session reports its locationid and reads at that entity', async () => {
    const session = await SessionProvider.factory(config({ entityId: 'E200' }));
    const query = buildQuery((draft) =>
      draft
        .assignFromObject('CUSTOMER')
        .assignSelectFields(new NewQuery.QuerySelect.SelectBuilder().addFields(['RECORDNO', 'MEGAENTITYID']).selects)
        .assignPageSize(1000),
    );

    const result = (await new OnlineClient(session).execute(query)).getResult();

    expect(session.entityId).toBe('E200');
    expect(new Set(result.data.map((row: Row) => row.MEGAENTITYID))).toEqual(new Set(['', 'E200']));
  });

  it('runs a Query (select, filter, order, showprivate, paging) and gets the records our own client gets', async () => {
    const client = await sessionClient();
    const query = buildQuery((draft) =>
      draft
        .assignFromObject('CUSTOMER')
        .assignSelectFields(new NewQuery.QuerySelect.SelectBuilder().addFields(['RECORDNO', 'NAME', `${MAIL}.ZIP`, 'MEGAENTITYID']).selects)
        .assignFilter(new NewQuery.QueryFilter.Filter('STATUS').equalTo('active'))
        .assignOrderBy(new NewQuery.QueryOrderBy.OrderBuilder().addDescending('RECORDNO').orders)
        .assignShowPrivate(true)
        .assignPageSize(40)
        .assignOffset(10),
    );

    const result = (await client.execute(query)).getResult();
    const ours = await gateway.data(
      queryXml({
        object: 'CUSTOMER',
        fields: ['RECORDNO', 'NAME', `${MAIL}.ZIP`, 'MEGAENTITYID'],
        filter: '<equalto><field>STATUS</field><value>active</value></equalto>',
        orderby: '<order><field>RECORDNO</field><descending/></order>',
        options: '<showprivate>true</showprivate>',
        pagesize: 40,
        offset: 10,
      }),
    );

    expect(result.status).toBe('success');
    expect(result.listType).toBe('CUSTOMER');
    expect(result.totalCount).toBe(Number(ours['@_totalcount']));
    expect(result.numRemaining).toBe(Number(ours['@_numremaining']));
    expect(result.data).toEqual(ours.CUSTOMER);
    expect(result.data.some((row: Row) => /^0\d/.test(row[`${MAIL}.ZIP`] ?? ''))).toBe(true);
  });

  it('reads every shared customer with ReadByQuery then ReadMore, as a top-level session sees them', async () => {
    const client = await sessionClient();
    const first = new Functions.Common.ReadByQuery();
    first.objectName = 'CUSTOMER';
    first.fields = ['RECORDNO', 'NAME', 'MEGAENTITYID'];
    first.pageSize = PAGE_SIZE;

    let result = (await client.execute(first)).getResult();
    const seen: Row[] = [...result.data];
    while (result.numRemaining > 0) {
      const more = new Functions.Common.ReadMore();
      more.resultId = result.resultId;
      result = (await client.execute(more)).getResult();
      seen.push(...result.data);
    }
    const shared = (await gateway.data(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'NAME', 'MEGAENTITYID'], pagesize: 2000 }))).CUSTOMER;

    expect(result.listType).toBe('customer');
    expect(seen).toEqual(shared);
  });

  it('reads records by RECORDNO (Read) and by ID (ReadByName), owned objects nested', async () => {
    const client = await sessionClient();
    const [customer] = (await gateway.data(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'CUSTOMERID', 'NAME', `${MAIL}.CITY`], pagesize: 1 })))
      .CUSTOMER as Row[];
    const read = new Functions.Common.Read();
    read.objectName = 'CUSTOMER';
    read.keys = [Number(customer!.RECORDNO)];
    const byName = new Functions.Common.ReadByName();
    byName.objectName = 'CUSTOMER';
    byName.names = [customer!.CUSTOMERID!];
    byName.fields = ['RECORDNO', 'NAME'];

    const readResult = (await client.execute(read)).getResult();
    const byNameResult = (await client.execute(byName)).getResult();

    expect(readResult.count).toBe(1);
    expect(readResult.data[0]).toMatchObject({
      RECORDNO: customer!.RECORDNO,
      NAME: customer!.NAME,
      DISPLAYCONTACT: { MAILADDRESS: { CITY: customer![`${MAIL}.CITY`] } },
    });
    expect(byNameResult.data).toEqual([{ RECORDNO: customer!.RECORDNO, NAME: customer!.NAME }]);
  });

  it('looks up EMPLOYEE: its fields, and the CONTACT relationship of the documented query naming', async () => {
    const client = await sessionClient();
    const lookup = new Functions.Common.Lookup();
    lookup.objectName = 'EMPLOYEE';

    const [type] = (await client.execute(lookup)).getResult().data;

    expect(type.$).toEqual({ Name: 'EMPLOYEE', DocumentType: '' });
    expect(type.Fields.Field.map((field: { ID: string }) => field.ID)).toEqual(expect.arrayContaining(['RECORDNO', 'EMPLOYEEID', 'MEGAENTITYID']));
    expect(type.Relationships.Relationship).toMatchObject({ OBJECTPATH: 'CONTACT', RELATEDBY: 'CONTACT_NAME' });
  });

  it('raises its ResponseException for a wrong sender: a control-level XL03000006', async () => {
    const error = await failureOf(SessionProvider.factory(config({ senderPassword: 'not-the-sender-password' })));

    expect(error).toBeInstanceOf(Exceptions.ResponseException);
    expect((error as Error).message).toMatch(/^Response control status failure - XL03000006 /);
  });

  it("raises its ResponseException for a wrong password, from the gateway's HTTP 401, without retrying", async () => {
    emulator.resetStats();

    const error = await failureOf(SessionProvider.factory(config({ userPassword: 'not-the-password' })));

    expect(error).toBeInstanceOf(Exceptions.ResponseException);
    expect((error as Exceptions.ResponseException).errors).toEqual(['XMLGW_JPP0002 Sign-in information is incorrect. Please check your request.']);
    expect(emulator.stats().httpRequests).toBe(1);
  });

  it('raises its ResultException for a query on an unknown field', async () => {
    const client = await sessionClient();
    const query = buildQuery((draft) =>
      draft
        .assignFromObject('EMPLOYEE')
        .assignSelectFields(new NewQuery.QuerySelect.SelectBuilder().addFields(['RECORDNO', 'PERSONALINFO.CONTACTNAME']).selects),
    );

    const error = await failureOf(client.execute(query));

    expect(error).toBeInstanceOf(Exceptions.ResultException);
    expect((error as Error).message).toMatch(/Query Failed Invalid field: PERSONALINFO\.CONTACTNAME on object EMPLOYEE/);
  });
});
