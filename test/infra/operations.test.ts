/**
 * Operating the dev stage (issue 13): X-Ray and Powertools on every function, the dashboard
 * (its widgets, and the catalog metrics they read under the dimension sets the functions publish),
 * the failed-run rate and 429-storm alarms, and the needs_review rule that tells a person.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME } from '#adapters/logger';
import { RECORD_OUTCOMES, RUN_TYPES } from '#domain/runs';
import { METRICS, METRICS_NAMESPACE, type MetricKey, type MetricSpec } from '#observability/metric-catalog';
import { DASHBOARD_WIDGETS } from '../../infra/constructs/operations-dashboard';
import { DEPLOYED_FUNCTION_IDS } from '../../infra/function-catalog';
import { renderValue, type Synthesized, synthSyncApp } from './support/synth';

const FINAL_STATUSES = ['succeeded', 'failed', 'needs_review'];
const DEAD_LETTER_QUEUES = ['client-import', 'user-import', 'tenant-sync', 'daily-sync', 'event-delivery'];
const TABLES = ['entities', 'links', 'runs'];
const FUNCTIONS = [...DEPLOYED_FUNCTION_IDS, 'token-claims'];

let synth: Synthesized;
let names: Map<string, string>;

/** A dashboard metric row: a metric with its dimensions and options, or an expression. */
interface Row {
  namespace?: string;
  metricName?: string;
  dimensions: Record<string, string>;
  expression?: string;
  id?: string;
  label?: string;
  stat?: string;
  visible?: boolean;
}

interface Widget {
  title: string;
  rows: Row[];
}

/** `[namespace, name, dim, value, ..., options?]` or `[{ expression, ... }]`, as CloudWatch keeps them. */
function parseRow(row: unknown[]): Row {
  const options = (typeof row[row.length - 1] === 'object' ? row[row.length - 1] : {}) as Record<string, unknown>;
  const parts = typeof row[row.length - 1] === 'object' ? row.slice(0, -1) : row;
  if (parts.length === 0) return { dimensions: {}, ...options } as Row;
  const [namespace, metricName, ...pairs] = parts as string[];
  const dimensions: Record<string, string> = {};
  for (let index = 0; index < pairs.length; index += 2) dimensions[pairs[index]!] = pairs[index + 1]!;
  return { namespace, metricName, dimensions, ...options } as Row;
}

function dashboardWidgets(): Widget[] {
  const [dashboard, ...others] = Object.values(synth.resources('AWS::CloudWatch::Dashboard'));
  expect(others).toEqual([]);
  const body = JSON.parse(renderValue(dashboard!.Properties.DashboardBody, names)) as {
    widgets: { properties: { title: string; metrics?: unknown[][] } }[];
  };
  return body.widgets.map((widget) => ({ title: widget.properties.title, rows: (widget.properties.metrics ?? []).map(parseRow) }));
}

function widget(title: string): Widget {
  const found = dashboardWidgets().filter((candidate) => candidate.title === title);
  expect(found, title).toHaveLength(1);
  return found[0]!;
}

/** The rows of `widget` that read the service's own metric `key`. */
const serviceRows = (of: Widget, key: MetricKey): Row[] =>
  of.rows.filter((row) => row.namespace === METRICS_NAMESPACE && row.metricName === METRICS[key].name);

/** The statements of the inline policies attached to the role `roleId`. */
function rolePolicyStatements(roleId: string): { Effect: string; Action: string | string[]; Resource: unknown }[] {
  return Object.values(synth.resources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const alarms = () => Object.values(synth.resources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Record<string, any>);

function alarmNamed(name: string): Record<string, any> {
  const found = alarms().filter((alarm) => alarm.AlarmName === `IntacctPsaSync-dev-${name}`);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

/** An alarm's metric-math query: its expression, and each metric it reads by id. */
function mathOf(alarm: Record<string, any>) {
  const queries = alarm.Metrics as Record<string, any>[];
  const [expression, ...others] = queries.filter((query) => query.Expression !== undefined);
  expect(others).toEqual([]);
  const metrics = Object.fromEntries(
    queries
      .filter((query) => query.MetricStat !== undefined)
      .map((query) => {
        const stat = query.MetricStat;
        const dimensions = Object.fromEntries(
          (stat.Metric.Dimensions as { Name: string; Value: string }[]).map((entry) => [entry.Name, entry.Value]),
        );
        expect(query.ReturnData).toBe(false);
        return [query.Id, { namespace: stat.Metric.Namespace, name: stat.Metric.MetricName, dimensions, stat: stat.Stat, period: stat.Period }];
      }),
  );
  return { expression: expression!.Expression as string, returned: expression!.ReturnData ?? true, metrics };
}

beforeAll(() => {
  synth = synthSyncApp({ bundle: false });
  const { stack } = synth;
  names = new Map<string, string>();
  names.set(synth.logicalId(stack.bus), 'bus');
  names.set(synth.logicalId(stack.monitoring.topic), 'topic:alarms');
  names.set(synth.logicalId(stack.api.httpApi), 'http-api');
  for (const [tableId, bound] of Object.entries(stack.data.tables)) names.set(synth.logicalId(bound.table), `table:${tableId}`);
  for (const [fid, queue] of Object.entries(stack.functions.failureQueues)) names.set(synth.logicalId(queue), `queue:${fid}`);
  names.set(synth.logicalId(stack.events.deliveryFailures), 'queue:event-delivery');
  for (const [fid, fn] of Object.entries(stack.functions.functions)) names.set(synth.logicalId(fn.function), `fn:${fid}`);
  names.set(synth.logicalId(stack.identity.tokenClaims!.function), 'fn:token-claims');
}, 120_000);

afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

describe('tracing and Powertools', () => {
  /** The service's functions, by name; CDK's deploy-time custom-resource handlers are the only others. */
  const serviceFunctions = () =>
    Object.entries(synth.resources('AWS::Lambda::Function')).filter(([, fn]) =>
      String(fn.Properties.FunctionName ?? '').startsWith('IntacctPsaSync-dev-'),
    );

  it('every function of the service traces actively with X-Ray', () => {
    expect(
      serviceFunctions()
        .map(([, fn]) => fn.Properties.FunctionName)
        .sort(),
    ).toEqual(FUNCTIONS.map((fid) => `IntacctPsaSync-dev-${fid}`).sort());
    for (const [, fn] of serviceFunctions()) expect(fn.Properties.TracingConfig, fn.Properties.FunctionName).toEqual({ Mode: 'Active' });
    // The rest are CDK's own handlers that deploy the admin console (bucket deployment, auto-delete).
    const others = Object.keys(synth.resources('AWS::Lambda::Function')).filter((id) => !serviceFunctions().some(([own]) => own === id));
    for (const id of others) expect(id).toMatch(/^Custom(S3AutoDeleteObjects|CDKBucketDeployment)/);
  });

  it('every function of the service may write its traces, and tells Powertools the service name and the metrics namespace', () => {
    for (const [id, fn] of serviceFunctions()) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      });
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const allowed = rolePolicyStatements(roleId).flatMap((entry) =>
        [entry.Action].flat().map((action) => `${action} on ${JSON.stringify(entry.Resource)}`),
      );
      expect(allowed, id).toEqual(expect.arrayContaining(['xray:PutTraceSegments on "*"', 'xray:PutTelemetryRecords on "*"']));
    }
  });
});

describe('dashboard', () => {
  it('is one dashboard per stage, named after the stage, with every widget of the runbook', () => {
    const [dashboard] = Object.values(synth.resources('AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toBe('IntacctPsaSync-dev');
    expect(dashboardWidgets().map((entry) => entry.title)).toEqual(Object.values(DASHBOARD_WIDGETS));
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.DashboardName!.Value).toEqual({ Ref: synth.logicalId(synth.stack.dashboard.dashboard) });
  });

  it('reads every metric of the catalog, each under a dimension set the functions publish it with, for this service', () => {
    const rows = dashboardWidgets().flatMap((entry) => entry.rows.filter((row) => row.namespace === METRICS_NAMESPACE));
    const byName = new Map<string, MetricSpec>(Object.values(METRICS).map((spec) => [spec.name, spec]));
    for (const row of rows) {
      const spec = byName.get(row.metricName!);
      expect(spec, row.metricName).toBeDefined();
      expect(row.dimensions.service).toBe(SERVICE_NAME);
      const asked = Object.keys(row.dimensions).sort().join(',');
      expect(
        spec!.dimensionSets.map((set) => [...set].sort().join(',')),
        `${row.metricName} by ${asked}`,
      ).toContain(asked);
    }
    expect(new Set(rows.map((row) => row.metricName))).toEqual(new Set(Object.values(METRICS).map((spec) => spec.name)));
  });

  it('sets the nightly fan-out against the scheduled runs finished, one line per final status summed over run types', () => {
    const nightly = widget(DASHBOARD_WIDGETS.nightlyFanOut);
    expect(serviceRows(nightly, 'nightlyTenantsRequested')).toEqual([
      expect.objectContaining({ dimensions: { service: SERVICE_NAME }, stat: 'Sum' }),
    ]);
    const finished = serviceRows(nightly, 'runsFinished');
    expect(finished).toHaveLength(FINAL_STATUSES.length * RUN_TYPES.length);
    for (const row of finished) expect(row).toMatchObject({ dimensions: { trigger: 'schedule' }, visible: false });
    const expressions = nightly.rows.filter((row) => row.expression !== undefined);
    expect(expressions.map((row) => row.label).sort()).toEqual(FINAL_STATUSES.map((status) => `scheduled runs ${status}`).sort());
    for (const status of FINAL_STATUSES) {
      const sum = expressions.find((row) => row.label === `scheduled runs ${status}`)!;
      const ids = finished.filter((row) => row.dimensions.status === status).map((row) => row.id);
      expect(ids).toHaveLength(RUN_TYPES.length);
      expect(sum.expression).toBe(`SUM([${ids.join(',')}])`);
    }
  });

  it('shows failed runs by run type beside the failed-run rate the alarm reads, with its threshold', () => {
    const failed = widget(DASHBOARD_WIDGETS.failedRuns);
    expect(
      serviceRows(failed, 'runsFailed')
        .map((row) => row.dimensions.runType ?? 'all')
        .sort(),
    ).toEqual(['all', ...RUN_TYPES].sort());
    expect(failed.rows.filter((row) => row.expression !== undefined).map((row) => row.expression)).toEqual([
      'IF(runs_whole >= 5, 100 * FILL(runs_part, 0) / runs_whole, 0)',
    ]);
  });

  it('shows runs started and finished by status, durations at p50 and p95, and records by every outcome', () => {
    const runs = widget(DASHBOARD_WIDGETS.runs);
    expect(serviceRows(runs, 'runsStarted')).toHaveLength(1);
    expect(
      serviceRows(runs, 'runsFinished')
        .map((row) => row.dimensions.status)
        .sort(),
    ).toEqual([...FINAL_STATUSES].sort());
    expect(serviceRows(runs, 'heldUnlinks')).toHaveLength(1);
    const durations = serviceRows(widget(DASHBOARD_WIDGETS.runDuration), 'runDuration');
    expect(
      durations
        .filter((row) => row.dimensions.runType === undefined)
        .map((row) => row.stat)
        .sort(),
    ).toEqual(['p50', 'p95']);
    expect(
      durations
        .filter((row) => row.dimensions.runType !== undefined)
        .map((row) => row.dimensions.runType)
        .sort(),
    ).toEqual([...RUN_TYPES].sort());
    expect(
      serviceRows(widget(DASHBOARD_WIDGETS.records), 'records')
        .map((row) => row.dimensions.outcome)
        .sort(),
    ).toEqual([...RECORD_OUTCOMES].sort());
  });

  it('shows Intacct traffic, its error and 429 rates as metric math, and its errors by kind by SEARCH', () => {
    const traffic = widget(DASHBOARD_WIDGETS.intacctTraffic);
    for (const key of ['intacctRequests', 'intacctRetries', 'intacctThrottled', 'intacctErrors'] as const)
      expect(serviceRows(traffic, key), key).toHaveLength(1);
    const rates = widget(DASHBOARD_WIDGETS.intacctRates);
    const idOf = (key: MetricKey) => serviceRows(rates, key).map((row) => row.id);
    expect(
      rates.rows
        .filter((row) => row.expression !== undefined)
        .map((row) => row.expression)
        .sort(),
    ).toEqual(
      [`100 * FILL(${idOf('intacctErrors')[0]}, 0) / errors_whole`, `100 * FILL(${idOf('intacctThrottled')[0]}, 0) / throttled_whole`].sort(),
    );
    expect(idOf('intacctRequests').sort()).toEqual(['errors_whole', 'throttled_whole']);
    const [search] = widget(DASHBOARD_WIDGETS.intacctErrorKinds).rows;
    expect(search!.expression).toBe(`SEARCH('{IntacctPsaSync,service,errorKind} MetricName="IntacctErrors" service="${SERVICE_NAME}"', 'Sum', 300)`);
  });

  it("shows DynamoDB throttles as the store counted them per table, and each table's own ThrottledRequests", () => {
    const throttles = widget(DASHBOARD_WIDGETS.dynamoDbThrottles);
    expect(
      serviceRows(throttles, 'dynamoDbThrottles')
        .map((row) => row.dimensions.table ?? 'all')
        .sort(),
    ).toEqual(['all', ...TABLES].sort());
    const own = throttles.rows.filter((row) => row.namespace === 'AWS/DynamoDB');
    expect(own.every((row) => row.metricName === 'ThrottledRequests')).toBe(true);
    expect([...new Set(own.map((row) => row.dimensions.TableName))].sort()).toEqual(TABLES.map((table) => `<table:${table}>`).sort());
    expect(
      throttles.rows
        .filter((row) => row.expression !== undefined)
        .map((row) => row.label)
        .sort(),
    ).toEqual(TABLES.map((table) => `ThrottledRequests: ${table}`).sort());
  });

  it("shows the HTTP API's requests, 4xx, 5xx and latency, every dead-letter queue, and every function's errors, throttles and duration", () => {
    const apiMetrics = (title: string) => widget(title).rows.map((row) => `${row.metricName} ${row.stat} ${row.dimensions.ApiId}`);
    expect(apiMetrics(DASHBOARD_WIDGETS.apiTraffic)).toEqual(['Count Sum <http-api>', '4xx Sum <http-api>', '5xx Sum <http-api>']);
    expect(apiMetrics(DASHBOARD_WIDGETS.apiLatency)).toEqual([
      'Latency p50 <http-api>',
      'Latency p95 <http-api>',
      'IntegrationLatency p95 <http-api>',
    ]);
    const queues = widget(DASHBOARD_WIDGETS.deadLetters).rows;
    expect(queues.every((row) => row.metricName === 'ApproximateNumberOfMessagesVisible' && row.stat === 'Maximum')).toBe(true);
    expect(queues.map((row) => row.dimensions.QueueName).sort()).toEqual(DEAD_LETTER_QUEUES.map((queue) => `<queue:${queue}.QueueName>`).sort());
    for (const [title, metricName] of [
      [DASHBOARD_WIDGETS.lambdaErrors, 'Errors'],
      [DASHBOARD_WIDGETS.lambdaThrottles, 'Throttles'],
      [DASHBOARD_WIDGETS.lambdaDuration, 'Duration'],
    ] as const) {
      const rows = widget(title).rows;
      expect(
        rows.every((row) => row.namespace === 'AWS/Lambda' && row.metricName === metricName),
        title,
      ).toBe(true);
      expect(rows.map((row) => row.dimensions.FunctionName).sort(), title).toEqual(FUNCTIONS.map((fid) => `<fn:${fid}>`).sort());
    }
  });
});

describe("alarms on the service's own metrics", () => {
  const serviceMetric = (name: string) => ({ namespace: METRICS_NAMESPACE, name, dimensions: { service: SERVICE_NAME } });

  it.each([
    {
      behaviour: 'more than 20% of at least 5 runs finished in an hour failed',
      alarm: 'failed-run-rate',
      id: 'runs',
      minimum: 5,
      part: 'RunsFailed',
      whole: 'RunsFinished',
      period: 3600,
      evaluationPeriods: 1,
    },
    {
      behaviour: 'a 429 storm: more than 20% of at least 20 Intacct requests refused for their rate, two 5-minute periods running',
      alarm: 'intacct-throttle-storm',
      id: 'intacct',
      minimum: 20,
      part: 'IntacctThrottled',
      whole: 'IntacctRequests',
      period: 300,
      evaluationPeriods: 2,
    },
  ])('pages on $behaviour', ({ alarm: name, id, minimum, part, whole, period, evaluationPeriods }) => {
    const alarm = alarmNamed(name);
    expect(alarm).toMatchObject({
      Threshold: 20,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: evaluationPeriods,
      TreatMissingData: 'notBreaching',
    });
    const math = mathOf(alarm);
    expect(math.expression).toBe(`IF(${id}_whole >= ${minimum}, 100 * FILL(${id}_part, 0) / ${id}_whole, 0)`);
    expect(math.metrics).toEqual({
      [`${id}_part`]: { ...serviceMetric(part), stat: 'Sum', period },
      [`${id}_whole`]: { ...serviceMetric(whole), stat: 'Sum', period },
    });
  });

  it("counts failed runs by the functions' metric only: no failed-runs log group, metric filter or rule is left", () => {
    expect(synth.resources('AWS::Logs::MetricFilter')).toEqual({});
    expect(alarms().filter((alarm) => JSON.stringify(alarm).includes('FailedRuns'))).toEqual([]);
    const rules = Object.values(synth.resources('AWS::Events::Rule')).map((rule) => JSON.stringify(rule.Properties.EventPattern ?? {}));
    expect(rules.filter((pattern) => pattern.includes('"failed"'))).toEqual([]);
  });
});

describe('needs_review runs', () => {
  const needsReviewRules = () =>
    Object.values(synth.resources('AWS::Events::Rule'))
      .map((rule) => rule.Properties as Record<string, any>)
      .filter((rule) => JSON.stringify(rule.EventPattern ?? {}).includes('needs_review'));

  it('routes each SyncRunFinished with status needs_review on the service bus to the alarm topic', () => {
    const [rule, ...others] = needsReviewRules();
    expect(others).toEqual([]);
    expect(rule!.EventPattern).toEqual({ source: ['psa.intacct-sync'], 'detail-type': ['SyncRunFinished'], detail: { status: ['needs_review'] } });
    expect(renderValue(rule!.EventBusName, names)).toBe('<bus>');
    expect(rule!.Targets).toHaveLength(1);
    expect(renderValue(rule!.Targets[0].Arn, names)).toBe('<topic:alarms>');
  });

  it('sends a readable note naming the tenant, the run, its type and where to review and confirm it', () => {
    const [target] = needsReviewRules()[0]!.Targets as Record<string, any>[];
    const { InputPathsMap: paths, InputTemplate: template } = target!.InputTransformer as {
      InputPathsMap: Record<string, string>;
      InputTemplate: string;
    };
    const variableOf = (path: string) => Object.entries(paths).find(([, value]) => value === path)?.[0];
    for (const field of ['tenantId', 'runId', 'runType']) {
      const variable = variableOf(`$.detail.${field}`);
      expect(variable, field).toBeDefined();
      expect(template).toContain(`<${variable}>`);
    }
    const runId = `<${variableOf('$.detail.runId')}>`;
    expect(template).toContain('needs_review');
    expect(template).toContain(`POST /sync-runs/${runId}/confirm-unlinks`);
    // A JSON string: SNS delivers it as the message text.
    expect(template.startsWith('"') && template.endsWith('"')).toBe(true);
  });

  it('publishes with a role of its own that may publish to the topic and use its key, and nothing else', () => {
    const [target] = needsReviewRules()[0]!.Targets as Record<string, any>[];
    const roleId = (target!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = synth.resources('AWS::IAM::Role')[roleId]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'events.amazonaws.com' } }),
    ]);
    const keyId = synth.logicalId(synth.stack.monitoring.topic.masterKey!);
    const allowed = rolePolicyStatements(roleId).map((entry) => ({
      actions: [entry.Action].flat().sort(),
      resource: renderValue(entry.Resource as never, names),
    }));
    expect(allowed.sort((a, b) => a.actions[0]!.localeCompare(b.actions[0]!))).toEqual([
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: `<${keyId}.Arn>` },
      { actions: ['sns:Publish'], resource: '<topic:alarms>' },
    ]);
  });
});
