/** Departments in the entities table. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Department } from '#domain/entities';
import type { DepartmentStore } from '#ports/stores';
import type { BatchRetryPolicy } from './batch';
import { readMap, readString } from './item-fields';
import { departmentPartition } from './keys';
import { type VersionedEntityCodec, VersionedEntityStore } from './versioned-entity-store';

const DEPARTMENT_ATTRIBUTES = {
  name: 'name',
  integrations: 'integrations',
} as const;

const departmentCodec: VersionedEntityCodec<Department> = {
  entityType: 'Department',
  partition: departmentPartition,
  toAttributes: (department) => ({
    [DEPARTMENT_ATTRIBUTES.name]: department.name,
    [DEPARTMENT_ATTRIBUTES.integrations]: department.integrations,
  }),
  fromAttributes: (item, base) => ({
    ...base,
    name: readString(item, DEPARTMENT_ATTRIBUTES.name),
    integrations: readMap<Department['integrations']>(item, DEPARTMENT_ATTRIBUTES.integrations),
  }),
};

/** DynamoDB DepartmentStore. */
export class DynamoDepartmentStore extends VersionedEntityStore<Department> implements DepartmentStore {
  constructor(doc: DynamoDBDocumentClient, tableName: string, batchRetry?: BatchRetryPolicy) {
    super({ doc, tableName, codec: departmentCodec, batchRetry });
  }
}
