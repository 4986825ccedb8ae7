/** Users (team members) in the entities table. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PERMISSION_PROFILES, type User } from '#domain/entities';
import type { UserStore } from '#ports/stores';
import type { BatchRetryPolicy } from './batch';
import { readEnum, readMap, readNullableString, readString } from './item-fields';
import { userPartition } from './keys';
import { type VersionedEntityCodec, VersionedEntityStore } from './versioned-entity-store';

const USER_ATTRIBUTES = {
  firstName: 'firstName',
  lastName: 'lastName',
  jobTitle: 'jobTitle',
  startDate: 'startDate',
  email: 'email',
  permissionProfile: 'permissionProfile',
  invitationStatus: 'invitationStatus',
  departmentId: 'departmentId',
  notes: 'notes',
  integrations: 'integrations',
} as const;

const INVITATION_STATUSES = ['not_invited', 'invited'] as const;

const userCodec: VersionedEntityCodec<User> = {
  entityType: 'User',
  partition: userPartition,
  toAttributes: (user) => ({
    [USER_ATTRIBUTES.firstName]: user.firstName,
    [USER_ATTRIBUTES.lastName]: user.lastName,
    [USER_ATTRIBUTES.jobTitle]: user.jobTitle,
    [USER_ATTRIBUTES.startDate]: user.startDate,
    [USER_ATTRIBUTES.email]: user.email,
    [USER_ATTRIBUTES.permissionProfile]: user.permissionProfile,
    [USER_ATTRIBUTES.invitationStatus]: user.invitationStatus,
    [USER_ATTRIBUTES.departmentId]: user.departmentId,
    [USER_ATTRIBUTES.notes]: user.notes,
    [USER_ATTRIBUTES.integrations]: user.integrations,
  }),
  fromAttributes: (item, base) => ({
    ...base,
    firstName: readString(item, USER_ATTRIBUTES.firstName),
    lastName: readString(item, USER_ATTRIBUTES.lastName),
    jobTitle: readString(item, USER_ATTRIBUTES.jobTitle),
    startDate: readNullableString(item, USER_ATTRIBUTES.startDate),
    email: readString(item, USER_ATTRIBUTES.email),
    permissionProfile: readEnum(item, USER_ATTRIBUTES.permissionProfile, PERMISSION_PROFILES),
    invitationStatus: readEnum(item, USER_ATTRIBUTES.invitationStatus, INVITATION_STATUSES),
    departmentId: readNullableString(item, USER_ATTRIBUTES.departmentId),
    notes: readString(item, USER_ATTRIBUTES.notes),
    integrations: readMap<User['integrations']>(item, USER_ATTRIBUTES.integrations),
  }),
};

/** DynamoDB UserStore. */
export class DynamoUserStore extends VersionedEntityStore<User> implements UserStore {
  constructor(doc: DynamoDBDocumentClient, tableName: string, batchRetry?: BatchRetryPolicy) {
    super({ doc, tableName, codec: userCodec, batchRetry });
  }
}
