/**
 * DynamoDbThrottles: every attempt DynamoDB refuses for throughput is counted under the role of the
 * table it addressed (entities, links, runs), the SDK's own retries included; other refusals are not.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { EmfTelemetry } from '#adapters/emf-telemetry';
import { documentClientFor } from '#store/dynamo-client';
import { countThrottles } from '#store/throttle-metrics';
import { emfDocuments, metricTotal } from '../support/emf';
import { startThrottlingDynamo, type ThrottlingDynamo } from '../support/throttling-dynamo';

const TABLES = { entities: 'psa-entities-test', links: 'psa-links-test', runs: 'psa-runs-test' };
/** One retry: the SDK waits up to half a second before retrying a throttle. */
const ATTEMPTS = 2;

let dynamo: ThrottlingDynamo | undefined;
afterEach(async () => {
  await dynamo?.close();
  dynamo = undefined;
});

async function throttledStore(errorName?: string) {
  dynamo = await startThrottlingDynamo(errorName);
  const lines: string[] = [];
  const telemetry = new EmfTelemetry({ write: (line) => lines.push(line) });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: ATTEMPTS,
  });
  countThrottles(client, TABLES, telemetry);
  const totals = () => {
    telemetry.flush();
    return emfDocuments(lines);
  };
  return { doc: documentClientFor(client), totals };
}

describe('DynamoDB throttles', () => {
  it('counts every attempt refused for throughput, the SDK retry included, under the table role', async () => {
    const { doc, totals } = await throttledStore();

    await expect(doc.send(new GetCommand({ TableName: TABLES.runs, Key: { pk: 'TENANT#t', sk: 'RUN#r' } }))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });

    const documents = totals();
    expect(dynamo!.refused).toBe(ATTEMPTS);
    expect(metricTotal(documents, 'DynamoDbThrottles')).toBe(ATTEMPTS);
    expect(metricTotal(documents, 'DynamoDbThrottles', { table: 'runs' })).toBe(ATTEMPTS);
  });

  it.each(['ThrottlingException', 'RequestLimitExceeded'])('counts %s as a throttle too', async (errorName) => {
    const { doc, totals } = await throttledStore(errorName);

    await expect(doc.send(new GetCommand({ TableName: TABLES.entities, Key: { pk: 'a', sk: 'b' } }))).rejects.toMatchObject({ name: errorName });

    expect(metricTotal(totals(), 'DynamoDbThrottles', { table: 'entities' })).toBeGreaterThanOrEqual(1);
  });

  it('names a batch by the role of the table it writes', async () => {
    const { doc, totals } = await throttledStore();

    await expect(
      doc.send(new BatchWriteCommand({ RequestItems: { [TABLES.links]: [{ PutRequest: { Item: { pk: 'a', sk: 'b' } } }] } })),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });

    expect(metricTotal(totals(), 'DynamoDbThrottles', { table: 'links' })).toBe(ATTEMPTS);
  });

  it('leaves a refusal of another kind uncounted', async () => {
    const { doc, totals } = await throttledStore('ValidationException');

    await expect(doc.send(new GetCommand({ TableName: TABLES.runs, Key: { pk: 'a', sk: 'b' } }))).rejects.toMatchObject({
      name: 'ValidationException',
    });

    expect(metricTotal(totals(), 'DynamoDbThrottles')).toBe(0);
  });
});
