/**
 * A worker process for the shared-slots test: lists every customer of one Intacct company, taking
 * its request slots from DynamoDB (or from its own process when SLOTS=process), or just takes
 * slots and holds them until killed (MODE=hold). Configured by one JSON in SLOT_WORKER; prints one
 * JSON line when done.
 */

import { companyKey, processCompanySlots } from '#intacct/company-concurrency';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { DynamoCompanySlots } from '#store/company-slots';
import { createDynamoClient, documentClientFor } from '#store/dynamo-client';

interface WorkerConfig {
  mode: 'list' | 'hold';
  slots: 'dynamodb' | 'process';
  dynamodbEndpoint: string;
  runsTable: string;
  endpointUrl: string;
  senderId: string;
  senderPassword: string;
  company: { companyId: string; userId: string; userPassword: string };
  slotTtlMs?: number;
}

const config = JSON.parse(process.env.SLOT_WORKER ?? '{}') as WorkerConfig;
const doc = documentClientFor(createDynamoClient({ endpoint: config.dynamodbEndpoint }));
const slots =
  config.slots === 'dynamodb'
    ? new DynamoCompanySlots(doc, config.runsTable, config.slotTtlMs ? { slotTtlMs: config.slotTtlMs } : {})
    : processCompanySlots;

async function main(): Promise<void> {
  if (config.mode === 'hold') {
    const key = companyKey(new URL(config.endpointUrl).href, config.company.companyId);
    await slots.acquire(key, 2);
    await slots.acquire(key, 2);
    process.stdout.write(`${JSON.stringify({ holding: 2 })}\n`);
    await new Promise(() => undefined);
  }
  const factory = new XmlGatewaySourceFactory({
    endpointUrl: config.endpointUrl,
    senderId: config.senderId,
    senderPassword: config.senderPassword,
    slots,
  });
  const source = factory.forLogin(config.company);
  let records = 0;
  for await (const page of source.listCustomers()) records += page.records.length;
  process.stdout.write(`${JSON.stringify({ records })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
