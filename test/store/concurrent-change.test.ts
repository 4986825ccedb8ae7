/**
 * A conditional write whose refusal no adapter handled reaches its caller as the domain's
 * ConcurrentChange, which the HTTP layer answers 409 `concurrent_change` knowing nothing of DynamoDB;
 * adapters that handle refusals still recognise them. Against dynalite, through the store's client.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConcurrentChange } from '#domain/errors';
import { mapError } from '#http/error-mapping';
import { conditionHolds } from '#store/dynamo-errors';
import { KEY_ATTRIBUTES } from '#store/keys';
import { useStores } from './store-fixture';

const fixture = useStores();

function putIfAbsent(key: string) {
  const { doc, names } = fixture.dynamo;
  return doc.send(
    new PutCommand({
      TableName: names.entities,
      Item: { [KEY_ATTRIBUTES.partitionKey]: key, [KEY_ATTRIBUTES.sortKey]: key, note: 'first' },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
    }),
  );
}

describe('a refused condition', () => {
  it('reaches an unhandling caller as ConcurrentChange (409 concurrent_change), with DynamoDB’s error as its cause, and writes nothing', async () => {
    await putIfAbsent('concurrent#1');
    const failure = await putIfAbsent('concurrent#1').then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(ConcurrentChange);
    expect((failure as ConcurrentChange).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(mapError(failure)).toMatchObject({ status: 409, body: { error: { code: 'concurrent_change' } } });
    const { doc, names } = fixture.dynamo;
    const stored = await doc.send(
      new GetCommand({ TableName: names.entities, Key: { [KEY_ATTRIBUTES.partitionKey]: 'concurrent#1', [KEY_ATTRIBUTES.sortKey]: 'concurrent#1' } }),
    );
    expect(stored.Item?.note).toBe('first');
  });

  it('is still an answer, not an error, to an adapter that handles it', async () => {
    await expect(conditionHolds(() => putIfAbsent('concurrent#2'))).resolves.toBe(true);
    await expect(conditionHolds(() => putIfAbsent('concurrent#2'))).resolves.toBe(false);
  });
});
