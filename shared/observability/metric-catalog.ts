/**
 * Every metric the service publishes, in one place: the functions write them as CloudWatch
 * embedded metric format (EMF) log lines through Powertools Metrics, the stack's dashboard and
 * alarms read them by the same names. Dimensions stay low-cardinality: never a tenant id (that
 * goes in the log line beside the metric), only closed lists from the domain.
 *
 * Each metric is published under every dimension set listed for it (one EMF document per set),
 * so alarms can read the all-service total (`[SERVICE]`) without a SEARCH expression, and the
 * dashboard can break it down.
 */
export const METRICS_NAMESPACE = 'IntacctPsaSync';

/** The dimension names; values come from the domain's closed lists (run types, statuses, ...). */
export const METRIC_DIMENSIONS = {
  /** Powertools' default dimension: the service name every function shares. */
  service: 'service',
  runType: 'runType',
  trigger: 'trigger',
  status: 'status',
  outcome: 'outcome',
  /** An Intacct error code as our connector classifies it (its IntacctError kind), never free text. */
  errorKind: 'errorKind',
  /** The DynamoDB table's role in the store (entities, links, runs), never its physical name. */
  table: 'table',
} as const;

export type MetricDimension = (typeof METRIC_DIMENSIONS)[keyof typeof METRIC_DIMENSIONS];

export interface MetricSpec {
  name: string;
  unit: 'Count' | 'Milliseconds';
  /** Each entry is one dimension set; `service` is in every set. */
  dimensionSets: readonly (readonly MetricDimension[])[];
}

const S = METRIC_DIMENSIONS.service;
const D = METRIC_DIMENSIONS;

export const METRICS = {
  /** A run was queued or started (imports, syncs, confirm-unlinks' continuation is not a new start). */
  runsStarted: { name: 'RunsStarted', unit: 'Count', dimensionSets: [[S], [S, D.runType, D.trigger]] },
  /** A run reached a final status (succeeded, failed, needs_review). */
  runsFinished: { name: 'RunsFinished', unit: 'Count', dimensionSets: [[S], [S, D.status], [S, D.runType, D.trigger, D.status]] },
  /** A run reached `failed`: RunsFailed / RunsFinished over `[service]` is the failed-run rate alarmed on. */
  runsFailed: { name: 'RunsFailed', unit: 'Count', dimensionSets: [[S], [S, D.runType]] },
  /** Wall time from a run's start to its final status, across invocations. */
  runDuration: { name: 'RunDuration', unit: 'Milliseconds', dimensionSets: [[S], [S, D.runType]] },
  /** Records a run finished with, by outcome (created, updated, unchanged, unlinked, skipped, failed). */
  records: {
    name: 'Records',
    unit: 'Count',
    dimensionSets: [
      [S, D.outcome],
      [S, D.runType, D.outcome],
    ],
  },
  /** Unlinks held back for an admin's confirmation (a run ending needs_review). */
  heldUnlinks: { name: 'HeldUnlinks', unit: 'Count', dimensionSets: [[S], [S, D.runType]] },
  /** Each HTTP request to Intacct's gateway (first attempts and retries). */
  intacctRequests: { name: 'IntacctRequests', unit: 'Count', dimensionSets: [[S]] },
  /** Each retry of an Intacct request after a retryable failure. */
  intacctRetries: { name: 'IntacctRetries', unit: 'Count', dimensionSets: [[S]] },
  /** Intacct answered 429 (or its rate-limit error): a storm of these is alarmed on. */
  intacctThrottled: { name: 'IntacctThrottled', unit: 'Count', dimensionSets: [[S]] },
  /** An Intacct request failed, by the connector's error kind. */
  intacctErrors: { name: 'IntacctErrors', unit: 'Count', dimensionSets: [[S], [S, D.errorKind]] },
  /** DynamoDB refused a request for throughput (ProvisionedThroughputExceeded, ThrottlingException). */
  dynamoDbThrottles: { name: 'DynamoDbThrottles', unit: 'Count', dimensionSets: [[S], [S, D.table]] },
  /** The nightly fan-out: one TenantSyncRequested per connected tenant. */
  nightlyTenantsRequested: { name: 'NightlyTenantsRequested', unit: 'Count', dimensionSets: [[S]] },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;
