/**
 * One CloudWatch dashboard per stage for the person on call: the nightly fan-out against the runs
 * it produced, runs and their durations, records by outcome, Intacct's health as seen by the
 * connector, DynamoDB throttling, the HTTP API, the dead-letter queues and every function. The
 * service's own lines come from the metric catalog (service-metrics.ts); the rest are AWS's.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Dashboard, GraphWidget, type GraphWidgetProps, type IMetric, type IWidget, MathExpression, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isActiveStatus, RECORD_OUTCOMES, RUN_STATUSES, RUN_TYPES, type RunStatus, type RunTrigger } from '#domain/runs';
import type { AppFunction } from './app-function';
import { FAILED_RUN_RATE, failedRunRate } from './monitoring';
import { percentOf, type ServiceMetrics } from './service-metrics';

/** The statuses a run ends in: the values of RunsFinished's `status` dimension. */
const FINAL_RUN_STATUSES = RUN_STATUSES.filter((status) => !isActiveStatus(status)) as readonly RunStatus[];
const SCHEDULED: RunTrigger = 'schedule';

/** Fine enough to see a burst of errors or throttles. */
const DETAIL_PERIOD = Duration.minutes(5);
/** Runs take minutes to finish; an hour's count reads better than a spiky 5-minute one. */
const RUN_PERIOD = Duration.hours(1);
/** The fan-out happens once a night: one point per night. */
const NIGHTLY_PERIOD = Duration.days(1);
/** A week shows a week of nights, which is what the nightly widget is for. */
const DEFAULT_INTERVAL = Duration.days(7);
const GRID_WIDTH = 24;
const WIDGET_HEIGHT = 6;
const WIDGETS_PER_ROW = 2;

/** The DynamoDB operations the store adapters send (the actions TABLE_ACTIONS grants). */
const STORE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
] as const;

/** The widget titles, which the runbook (README, "Operate it") refers to. */
export const DASHBOARD_WIDGETS = {
  nightlyFanOut: 'Nightly fan-out: tenants requested vs scheduled runs finished, by status',
  runs: 'Runs started and finished, by status; unlinks held for review',
  failedRuns: 'Failed runs by run type; the failed-run rate the alarm reads (%)',
  runDuration: 'Run duration (p50, p95)',
  records: 'Records by outcome',
  intacctTraffic: 'Intacct requests, retries, 429s and errors',
  intacctRates: 'Intacct error rate and 429 rate (% of requests)',
  intacctErrorKinds: 'Intacct errors by kind',
  dynamoDbThrottles: 'DynamoDB throttles (as the store saw them, and per table)',
  apiTraffic: 'HTTP API requests, 4xx and 5xx',
  apiLatency: 'HTTP API latency (p50, p95)',
  deadLetters: 'Dead-letter queue depths',
  lambdaErrors: 'Lambda errors per function',
  lambdaThrottles: 'Lambda throttles per function',
  lambdaDuration: 'Lambda duration per function (p95)',
} as const;

export interface OperationsDashboardProps {
  dashboardName: string;
  metrics: ServiceMetrics;
  httpApi: IHttpApi;
  functions: Readonly<Record<string, AppFunction>>;
  deadLetterQueues: Readonly<Record<string, Queue>>;
  /** The store's tables by their role (the `table` dimension's values). */
  tables: Readonly<Record<string, ITable>>;
}

/** A metric-math id: lowercase first, letters, digits and underscores only. */
const mathId = (...parts: string[]): string =>
  parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');

/** The sum of `metrics` as one line (SUM ignores a series without data at a point). */
function sumOf(label: string, period: Duration, metrics: Record<string, IMetric>): MathExpression {
  return new MathExpression({ expression: `SUM([${Object.keys(metrics).join(',')}])`, usingMetrics: metrics, label, period });
}

export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const m = props.metrics;
    const graph = (title: string, left: IMetric[], options: Pick<GraphWidgetProps, 'right' | 'stacked' | 'rightAnnotations'> = {}): GraphWidget =>
      new GraphWidget({
        title,
        left,
        ...options,
        width: GRID_WIDTH / WIDGETS_PER_ROW,
        height: WIDGET_HEIGHT,
      });
    const perFunction = (metricOf: (fn: AppFunction) => Metric): Metric[] =>
      Object.entries(props.functions).map(([name, fn]) => metricOf(fn).with({ label: name, period: DETAIL_PERIOD }));

    const nightlyRunsFinished = FINAL_RUN_STATUSES.map((status) =>
      sumOf(
        `scheduled runs ${status}`,
        NIGHTLY_PERIOD,
        Object.fromEntries(
          RUN_TYPES.map((runType) => [
            mathId(status, runType),
            m.metric('runsFinished', { runType, trigger: SCHEDULED, status }, { period: NIGHTLY_PERIOD }),
          ]),
        ),
      ),
    );
    const intacctRequests = m.metric('intacctRequests', {}, { period: DETAIL_PERIOD, label: 'requests' });

    const widgets: IWidget[] = [
      graph(DASHBOARD_WIDGETS.nightlyFanOut, [
        m.metric('nightlyTenantsRequested', {}, { period: NIGHTLY_PERIOD, label: 'tenants requested (each starts a client and a user sync)' }),
        ...nightlyRunsFinished,
      ]),
      graph(
        DASHBOARD_WIDGETS.runs,
        [
          m.metric('runsStarted', {}, { period: RUN_PERIOD, label: 'started' }),
          ...FINAL_RUN_STATUSES.map((status) => m.metric('runsFinished', { status }, { period: RUN_PERIOD, label: `finished ${status}` })),
        ],
        { right: [m.metric('heldUnlinks', {}, { period: RUN_PERIOD, label: 'unlinks held for review' })] },
      ),
      graph(
        DASHBOARD_WIDGETS.failedRuns,
        RUN_TYPES.map((runType) => m.metric('runsFailed', { runType }, { period: RUN_PERIOD, label: `${runType} failed` })),
        { right: [failedRunRate(m)], rightAnnotations: [{ value: FAILED_RUN_RATE.percent, label: 'alarm threshold' }] },
      ),
      graph(DASHBOARD_WIDGETS.runDuration, [
        m.metric('runDuration', {}, { statistic: 'p50', period: RUN_PERIOD, label: 'all runs p50' }),
        m.metric('runDuration', {}, { statistic: 'p95', period: RUN_PERIOD, label: 'all runs p95' }),
        ...RUN_TYPES.map((runType) => m.metric('runDuration', { runType }, { statistic: 'p95', period: RUN_PERIOD, label: `${runType} p95` })),
      ]),
      graph(
        DASHBOARD_WIDGETS.records,
        RECORD_OUTCOMES.map((outcome) => m.metric('records', { outcome }, { period: RUN_PERIOD, label: outcome })),
        { stacked: true },
      ),
      graph(DASHBOARD_WIDGETS.intacctTraffic, [
        intacctRequests,
        m.metric('intacctRetries', {}, { period: DETAIL_PERIOD, label: 'retries' }),
        m.metric('intacctThrottled', {}, { period: DETAIL_PERIOD, label: '429 (rate limited)' }),
        m.metric('intacctErrors', {}, { period: DETAIL_PERIOD, label: 'errors' }),
      ]),
      graph(DASHBOARD_WIDGETS.intacctRates, [
        percentOf({ id: 'errors', label: 'error rate %', part: m.metric('intacctErrors', {}, { period: DETAIL_PERIOD }), whole: intacctRequests }),
        percentOf({
          id: 'throttled',
          label: '429 rate %',
          part: m.metric('intacctThrottled', {}, { period: DETAIL_PERIOD }),
          whole: intacctRequests,
        }),
      ]),
      graph(DASHBOARD_WIDGETS.intacctErrorKinds, [
        // The connector's error kinds are a type, not a list the stack could read: a SEARCH finds them.
        new MathExpression({ expression: m.search('intacctErrors', 'errorKind', 'Sum', DETAIL_PERIOD), label: '', period: DETAIL_PERIOD }),
      ]),
      graph(
        DASHBOARD_WIDGETS.dynamoDbThrottles,
        [
          m.metric('dynamoDbThrottles', {}, { period: DETAIL_PERIOD, label: 'store saw (all tables)' }),
          ...Object.keys(props.tables).map((table) =>
            m.metric('dynamoDbThrottles', { table }, { period: DETAIL_PERIOD, label: `store saw: ${table}` }),
          ),
        ],
        {
          right: Object.entries(props.tables).map(([table, resource]) =>
            sumOf(
              `ThrottledRequests: ${table}`,
              DETAIL_PERIOD,
              Object.fromEntries(
                STORE_OPERATIONS.map((operation) => [
                  mathId(table, operation),
                  resource.metric('ThrottledRequests', { dimensionsMap: { TableName: resource.tableName, Operation: operation }, statistic: 'Sum' }),
                ]),
              ),
            ),
          ),
        },
      ),
      graph(DASHBOARD_WIDGETS.apiTraffic, [
        props.httpApi.metricCount({ period: DETAIL_PERIOD, statistic: 'Sum', label: 'requests' }),
        props.httpApi.metricClientError({ period: DETAIL_PERIOD, statistic: 'Sum', label: '4xx' }),
        props.httpApi.metricServerError({ period: DETAIL_PERIOD, statistic: 'Sum', label: '5xx' }),
      ]),
      graph(DASHBOARD_WIDGETS.apiLatency, [
        props.httpApi.metricLatency({ period: DETAIL_PERIOD, statistic: 'p50', label: 'latency p50' }),
        props.httpApi.metricLatency({ period: DETAIL_PERIOD, statistic: 'p95', label: 'latency p95' }),
        props.httpApi.metricIntegrationLatency({ period: DETAIL_PERIOD, statistic: 'p95', label: 'integration latency p95' }),
      ]),
      graph(
        DASHBOARD_WIDGETS.deadLetters,
        Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: DETAIL_PERIOD, statistic: 'Maximum', label: name }),
        ),
      ),
      graph(
        DASHBOARD_WIDGETS.lambdaErrors,
        perFunction((fn) => fn.function.metricErrors({ statistic: 'Sum' })),
      ),
      graph(
        DASHBOARD_WIDGETS.lambdaThrottles,
        perFunction((fn) => fn.function.metricThrottles({ statistic: 'Sum' })),
      ),
      graph(
        DASHBOARD_WIDGETS.lambdaDuration,
        perFunction((fn) => fn.function.metricDuration({ statistic: 'p95' })),
      ),
    ];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: DEFAULT_INTERVAL,
      widgets: Array.from({ length: Math.ceil(widgets.length / WIDGETS_PER_ROW) }, (_, row) =>
        widgets.slice(row * WIDGETS_PER_ROW, (row + 1) * WIDGETS_PER_ROW),
      ),
    });
  }
}
