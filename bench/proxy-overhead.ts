/**
 * What the latency proxy costs by itself: the same DynamoDB calls sent to dynalite directly and
 * through the proxy set to add 0 ms, one at a time (the time a request gains) and with
 * WRITE_CONCURRENCY in flight (the throughput it keeps), each way PROXY_PROBE.rounds times,
 * interleaved (which way goes first alternates), best round kept.
 */
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, GetItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '#store/dynamo-client';
import { KEY_ATTRIBUTES } from '#store/keys';
import { WRITE_CONCURRENCY } from '#use-cases/engine/linked-records';
import { FLOOR_BATCH_SIZE, PROXY_PROBE } from './config';
import { createBenchTables, type DynamoTarget } from './infra';
import { PASS_THROUGH, setProxyLatency } from './latency-proxy';

/** Size of each probe item's payload: a link's order of size. */
const PROBE_PAYLOAD = 'x'.repeat(150);
const WARM_UP_GETS = 200;

export interface ProxyOverheadResult {
  kind: 'proxy-overhead';
  sequentialGets: { requests: number; directMs: number; proxiedMs: number; addedMsPerRequest: number };
  batchWrites: { calls: number; items: number; inFlight: number; directMs: number; proxiedMs: number; ratio: number };
}

export interface ProxyOverheadJob {
  kind: 'proxy-overhead';
  direct: DynamoTarget;
  proxy: DynamoTarget;
}

async function sequentialGets(client: DynamoDBClient, table: string, count: number): Promise<number> {
  const key: Record<string, AttributeValue> = { [KEY_ATTRIBUTES.partitionKey]: { S: 'PROBE' }, [KEY_ATTRIBUTES.sortKey]: { S: 'absent' } };
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await client.send(new GetItemCommand({ TableName: table, Key: key }));
  return performance.now() - started;
}

async function concurrentBatchWrites(client: DynamoDBClient, table: string, round: string): Promise<number> {
  const batches: WriteRequest[][] = [];
  for (let call = 0; call < PROXY_PROBE.batchWrites; call += 1) {
    const batch: WriteRequest[] = [];
    for (let item = 0; item < FLOOR_BATCH_SIZE; item += 1) {
      batch.push({
        PutRequest: {
          Item: {
            [KEY_ATTRIBUTES.partitionKey]: { S: `PROBE#${round}` },
            [KEY_ATTRIBUTES.sortKey]: { S: `${call}-${item}` },
            payload: { S: PROBE_PAYLOAD },
          },
        },
      });
    }
    batches.push(batch);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      let pending = batches[next++]!;
      while (pending.length > 0) {
        const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = answer.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  return performance.now() - started;
}

/** Measures the proxy at `job.proxy` (set to pass-through here) against dynalite at `job.direct`. */
export async function measureProxyOverhead(job: ProxyOverheadJob): Promise<ProxyOverheadResult> {
  await setProxyLatency(job.proxy, PASS_THROUGH);
  const { entities } = await createBenchTables(job.direct, 'probe');
  const direct = createDynamoClient({ endpoint: job.direct.endpoint });
  const proxied = createDynamoClient({ endpoint: job.proxy.endpoint });
  try {
    await sequentialGets(direct, entities, WARM_UP_GETS);
    await sequentialGets(proxied, entities, WARM_UP_GETS);
    const best = { getsDirect: Infinity, getsProxied: Infinity, writesDirect: Infinity, writesProxied: Infinity };
    const directWay = async (round: number): Promise<void> => {
      best.getsDirect = Math.min(best.getsDirect, await sequentialGets(direct, entities, PROXY_PROBE.sequentialGets));
      best.writesDirect = Math.min(best.writesDirect, await concurrentBatchWrites(direct, entities, `direct-${round}`));
    };
    const proxiedWay = async (round: number): Promise<void> => {
      best.getsProxied = Math.min(best.getsProxied, await sequentialGets(proxied, entities, PROXY_PROBE.sequentialGets));
      best.writesProxied = Math.min(best.writesProxied, await concurrentBatchWrites(proxied, entities, `proxied-${round}`));
    };
    for (let round = 0; round < PROXY_PROBE.rounds; round += 1) {
      const ways = round % 2 === 0 ? [directWay, proxiedWay] : [proxiedWay, directWay];
      for (const way of ways) await way(round);
    }
    return {
      kind: 'proxy-overhead',
      sequentialGets: {
        requests: PROXY_PROBE.sequentialGets,
        directMs: best.getsDirect,
        proxiedMs: best.getsProxied,
        addedMsPerRequest: (best.getsProxied - best.getsDirect) / PROXY_PROBE.sequentialGets,
      },
      batchWrites: {
        calls: PROXY_PROBE.batchWrites,
        items: PROXY_PROBE.batchWrites * FLOOR_BATCH_SIZE,
        inFlight: WRITE_CONCURRENCY,
        directMs: best.writesDirect,
        proxiedMs: best.writesProxied,
        ratio: best.writesProxied / best.writesDirect,
      },
    };
  } finally {
    direct.destroy();
    proxied.destroy();
  }
}
