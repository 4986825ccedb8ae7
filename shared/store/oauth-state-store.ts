/**
 * Pending OAuth authorizations in the runs table, one item per state, removed by DynamoDB's TTL
 * once expired. Taking one is a single conditional delete that holds only for its own tenant
 * before it expires, so two callbacks with the same state can never both get the verifier, and a
 * callback of another tenant leaves it in place.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '#domain/errors';
import type { OAuthStateStore, PendingAuthorization } from '#ports/intacct-oauth';
import { isConditionalCheckFailed } from './dynamo-errors';
import { readBoolean, readString, type StoredItem } from './item-fields';
import { ENTITY_TYPE_ATTRIBUTE, EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, oauthStateKey } from './keys';

/** `until` is an ISO-8601 UTC instant (those compare correctly as strings); the TTL attribute is epoch seconds. */
const STATE_ATTRIBUTES = {
  tenantId: 'tenantId',
  verifier: 'verifier',
  redirectUri: 'redirectUri',
  resetLinks: 'resetLinks',
  until: 'until',
} as const;

const MS_PER_SECOND = 1000;

/** The refusal of an unknown, already used or foreign state: the same answer for all three, as for another tenant's ids. */
function invalidOAuthState(): InvalidInput {
  return new InvalidInput('oauth_state_invalid', 'This Sage Intacct sign-in is unknown or was already used; start connecting again.', [
    { field: 'state', message: 'is unknown or was already used' },
  ]);
}

function expiredOAuthState(): InvalidInput {
  return new InvalidInput('oauth_state_expired', 'This Sage Intacct sign-in took too long and expired; start connecting again.', [
    { field: 'state', message: 'has expired' },
  ]);
}

function toItem(pending: PendingAuthorization): StoredItem {
  return {
    ...oauthStateKey(pending.state),
    [ENTITY_TYPE_ATTRIBUTE]: 'OAuthState',
    [STATE_ATTRIBUTES.tenantId]: pending.tenantId,
    [STATE_ATTRIBUTES.verifier]: pending.verifier,
    [STATE_ATTRIBUTES.redirectUri]: pending.redirectUri,
    [STATE_ATTRIBUTES.resetLinks]: pending.resetLinks,
    [STATE_ATTRIBUTES.until]: pending.expiresAt,
    [EXPIRES_AT_ATTRIBUTE]: Math.ceil(Date.parse(pending.expiresAt) / MS_PER_SECOND),
  };
}

function fromItem(state: string, item: StoredItem): PendingAuthorization {
  return {
    state,
    tenantId: readString(item, STATE_ATTRIBUTES.tenantId),
    verifier: readString(item, STATE_ATTRIBUTES.verifier),
    redirectUri: readString(item, STATE_ATTRIBUTES.redirectUri),
    expiresAt: readString(item, STATE_ATTRIBUTES.until),
    resetLinks: readBoolean(item, STATE_ATTRIBUTES.resetLinks),
  };
}

/** DynamoDB OAuthStateStore over the runs table (the one with a TTL). */
export class DynamoOAuthStateStore implements OAuthStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the item; a state already present (a random collision) is refused, never overwritten. */
  async save(pending: PendingAuthorization): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(pending),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
      }),
    );
  }

  async take(state: string, tenantId: string | null, now: Date): Promise<PendingAuthorization> {
    const key = oauthStateKey(state);
    const names: Record<string, string> = { '#until': STATE_ATTRIBUTES.until };
    const values: Record<string, string> = { ':now': now.toISOString() };
    if (tenantId !== null) {
      names['#tenantId'] = STATE_ATTRIBUTES.tenantId;
      values[':tenantId'] = tenantId;
    }
    try {
      const answer = await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: tenantId === null ? 'attribute_exists(#until) AND #until > :now' : '#tenantId = :tenantId AND #until > :now',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!answer.Attributes) throw invalidOAuthState();
      return fromItem(state, answer.Attributes);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Refused: say why only to the state's own tenant (an expired state of its own); anyone else
    // learns no more than that the state is not theirs to use.
    const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const item = current.Item;
    const itsOwn = item && (tenantId === null || item[STATE_ATTRIBUTES.tenantId] === tenantId);
    if (itsOwn && String(item[STATE_ATTRIBUTES.until]) <= now.toISOString()) {
      throw expiredOAuthState();
    }
    throw invalidOAuthState();
  }
}
