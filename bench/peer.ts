/**
 * The peer: the official @intacct/intacct-sdk listing customers with ReadByQuery/ReadMore, next
 * to our connector's `query` listing of the same customers from the same emulator.
 * The SDK refuses endpoints outside *.intacct.com; its domain check is widened to loopback here,
 * in the harness only, and nowhere else.
 */
import { ClientConfig, Credentials, Functions, OnlineClient } from '@intacct/intacct-sdk';
import { CUSTOMER_FIELDS } from '#domain/intacct-records';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { CompanySlots } from '#ports/company-slots';
import type { IntacctLogin } from '#ports/intacct-source';
import type { EmulatorTarget } from './infra';

/** ReadByQuery's largest page, which the SDK's listing asks for. */
const READ_BY_QUERY_MAX_PAGE_SIZE = 1000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

export interface ListingTiming {
  records: number;
  ms: number;
}

type DomainCheck = (hostname: string) => boolean;

let endpointPatched = false;

/** Lets the SDK's Endpoint accept the loopback emulator as well as Intacct's own hosts. */
function allowLoopbackEndpoint(): void {
  if (endpointPatched) return;
  // isDomainValid is private in the SDK's types; it is a plain static method at run time.
  const endpoint = Credentials.Endpoint as unknown as { isDomainValid: DomainCheck };
  const original = endpoint.isDomainValid.bind(Credentials.Endpoint);
  endpoint.isDomainValid = (hostname) => LOOPBACK_HOSTS.has(hostname) || original(hostname);
  endpointPatched = true;
}

/** Lists every customer of `company` with the SDK: ReadByQuery (1000 per page, its maximum), then ReadMore. */
export async function listCustomersWithSdk(target: EmulatorTarget, company: IntacctLogin): Promise<ListingTiming> {
  allowLoopbackEndpoint();
  const config = new ClientConfig();
  config.endpointUrl = target.endpointUrl;
  config.senderId = target.senderId;
  config.senderPassword = target.senderPassword;
  config.companyId = company.companyId;
  config.userId = company.userId;
  config.userPassword = company.userPassword;
  const client = new OnlineClient(config);

  const started = performance.now();
  const first = new Functions.Common.ReadByQuery();
  first.objectName = 'CUSTOMER';
  first.fields = [...CUSTOMER_FIELDS];
  first.pageSize = READ_BY_QUERY_MAX_PAGE_SIZE;
  let result = (await client.execute(first)).getResult();
  let records = result.data.length;
  while (result.numRemaining > 0) {
    const more = new Functions.Common.ReadMore();
    more.resultId = result.resultId;
    result = (await client.execute(more)).getResult();
    records += result.data.length;
  }
  return { records, ms: performance.now() - started };
}

/**
 * Lists every customer of `company` with our connector (session call included), as a sync does;
 * its request slots from `slots` when given, else from this process alone.
 */
export async function listCustomersWithConnector(target: EmulatorTarget, company: IntacctLogin, slots?: CompanySlots): Promise<ListingTiming> {
  const source = new XmlGatewaySourceFactory({
    endpointUrl: target.endpointUrl,
    senderId: target.senderId,
    senderPassword: target.senderPassword,
    ...(slots ? { slots } : {}),
  }).forLogin(company);
  const started = performance.now();
  let records = 0;
  for await (const page of source.listCustomers()) records += page.records.length;
  return { records, ms: performance.now() - started };
}
