import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, TABLE_SCHEMAS } from '#store/tables';
import { type RunningDynalite, startDynalite } from '../support/dynalite';
import { spyOnDynamo } from '../support/dynamo-spy';

let dynamo: RunningDynalite;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

describe('createTables', () => {
  it('creates the entities table with its name index', async () => {
    const answer = await dynamo.raw.send(new DescribeTableCommand({ TableName: dynamo.names.entities }));

    expect(answer.Table?.TableStatus).toBe('ACTIVE');
    expect(answer.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
  });

  it('leaves existing tables alone when run again', async () => {
    const spy = spyOnDynamo(dynamo.raw);

    await createTables(dynamo.raw, dynamo.names);
    spy.detach();

    expect(spy.commands('CreateTable')).toBe(0);
  });

  it('creates tables that are missing next to existing ones', async () => {
    const names = { ...dynamo.names, links: `${dynamo.names.links}-second` };

    await createTables(dynamo.raw, names);

    const answer = await dynamo.raw.send(new DescribeTableCommand({ TableName: names.links }));
    expect(answer.Table?.TableStatus).toBe('ACTIVE');
  });

  it('declares the run TTL attribute and no index outside the entities table', () => {
    expect(TABLE_SCHEMAS.runs.timeToLiveAttribute).toBe('expiresAt');
    expect(TABLE_SCHEMAS.links.globalSecondaryIndexes).toEqual([]);
    expect(TABLE_SCHEMAS.runs.globalSecondaryIndexes).toEqual([]);
  });
});
