/**
 * The three DynamoDB tables, built from TABLE_SCHEMAS (shared/store/tables.ts), the same
 * description the local runtime creates its tables from: keys, index and TTL cannot drift
 * between the code and the cloud.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, TABLE_SCHEMAS, type TableNames, type TableSchema } from '#store/tables';
import type { BindableTable } from './app-function';

export type TableId = keyof TableNames;

/** The variable each table's name travels in (shared/config.ts reads these). */
const TABLE_ENVIRONMENT_VARIABLES: Readonly<Record<TableId, string>> = {
  entities: 'ENTITIES_TABLE',
  links: 'LINKS_TABLE',
  runs: 'RUNS_TABLE',
};

export interface DataTablesProps {
  /** Production keeps tables when the stack goes and refuses to delete them. */
  isProduction: boolean;
}

const attribute = (key: KeyAttribute) => ({ name: key.name, type: AttributeType.STRING });

/** Entities, links and runs: on demand, point-in-time recovery, encrypted with the AWS managed key. */
export class DataTables extends Construct {
  readonly tables: Readonly<Record<TableId, BindableTable>>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const build = (tableId: TableId): BindableTable => {
      const schema: TableSchema = TABLE_SCHEMAS[tableId];
      const table = new Table(this, tableId, {
        partitionKey: attribute(schema.partitionKey),
        sortKey: attribute(schema.sortKey),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // The AWS managed key (rather than DynamoDB's own) puts every use of it in CloudTrail.
        encryption: TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: schema.timeToLiveAttribute ?? undefined,
        deletionProtection: props.isProduction,
        removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const index of schema.globalSecondaryIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: attribute(index.sortKey),
          projectionType: ProjectionType[index.projection],
        });
      }
      return {
        table,
        environmentVariable: TABLE_ENVIRONMENT_VARIABLES[tableId],
        indexNames: schema.globalSecondaryIndexes.map((index) => index.indexName),
      };
    };
    this.tables = { entities: build('entities'), links: build('links'), runs: build('runs') };
  }
}
