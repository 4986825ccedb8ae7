/**
 * One Lambda function with the house defaults: Node.js 22 on arm64, an ESM bundle built by the
 * local esbuild (no Docker) with source maps, X-Ray active tracing, its own log group with
 * retention, its own role with nothing attached but what the stack grants (and X-Ray's own
 * actions), Powertools' service name and metrics namespace, and an environment that only ever grows.
 */
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '#adapters/logger';
import { METRICS_NAMESPACE } from '#observability/metric-catalog';
import { HANDLER_EXPORT, PROJECT_ROOT } from '../function-catalog';

const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;
const FUNCTION_ARCHITECTURE = Architecture.ARM_64;
const BUNDLE_TARGET = 'node22';
const DEFAULT_MEMORY_MB = 1024;

/**
 * ESM bundles have no `require`; a CommonJS dependency that calls it for a Node built-in would
 * fail at load. This banner gives the bundle one, under a name no source file uses.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

/**
 * What Powertools reads at cold start in every function: the service name (its logs' `service` key
 * and the `service` dimension of every metric, which the alarms read) and the namespace the EMF
 * metrics go to (shared/observability/metric-catalog.ts, which the dashboard and alarms read too).
 */
export const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
} as const;

/** DynamoDB actions the store adapters use (shared/store): reads, and reads plus writes. */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
} as const;
export type TableAccess = keyof typeof TABLE_ACTIONS;

/** A table as functions bind to it: the table, the variable naming it, its index names. */
export interface BindableTable {
  table: ITable;
  environmentVariable: string;
  indexNames: readonly string[];
}

export interface AppFunctionProps {
  entry: string;
  functionName: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  logRetention: RetentionDays;
  /** What happens to the log group when the stack goes. */
  removalPolicy: RemovalPolicy;
  minify: boolean;
  reservedConcurrentExecutions?: number;
}

/** A NodejsFunction with the house defaults, plus helpers that keep grants next to their env. */
export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Our own role instead of the managed basic-execution policy: it may write to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: HANDLER_EXPORT,
      functionName: props.functionName,
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // Lambda samples invocations into X-Ray; Powertools Tracer adds the SDK calls as subsegments.
      tracing: Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...POWERTOOLS_ENVIRONMENT, ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        minify: props.minify,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The SDK goes into the bundle: the code runs on the versions its tests ran on, not on
        // whatever the runtime ships that month.
        externalModules: [],
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose: it is the runtime the handlers, middy 7 and the bundled SDK are tested for; moving to a newer Node runtime is a tested upgrade, not a silent one.',
    });
    // Active tracing grants xray:PutTraceSegments and xray:PutTelemetryRecords on `*`.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray trace segments and telemetry belong to no resource: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permission, so active tracing can only grant them on *.',
    });
  }

  /** Adds variables to the environment; existing ones stay. */
  addEnvironment(variables: Record<string, string>): this {
    for (const [name, value] of Object.entries(variables)) this.function.addEnvironment(name, value);
    return this;
  }

  /** Names `bound.table` in the environment and grants exactly the store's actions on it and its indexes. */
  bindTable(bound: BindableTable, access: TableAccess): this {
    this.addEnvironment({ [bound.environmentVariable]: bound.table.tableName });
    this.allow(TABLE_ACTIONS[access], [bound.table.tableArn, ...bound.indexNames.map((name) => `${bound.table.tableArn}/index/${name}`)]);
    return this;
  }

  /**
   * Names `bound.table` without any access: the configuration asks every function for every
   * table name, but this function never touches this table.
   */
  nameTable(bound: BindableTable): this {
    return this.addEnvironment({ [bound.environmentVariable]: bound.table.tableName });
  }

  /** Grants `actions` on exactly `resources`. */
  allow(actions: readonly string[], resources: readonly string[]): this {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [...resources] }));
    return this;
  }
}
