/**
 * The service's own metrics (shared/observability/metric-catalog.ts) as CloudWatch reads them:
 * namespace, names and dimension names come from the catalog, and a metric can only be asked for
 * under a dimension set the functions publish it with, so a dashboard line or an alarm can never
 * read a combination that stays empty.
 */
import type { Duration } from 'aws-cdk-lib';
import { type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_DIMENSIONS, METRICS, METRICS_NAMESPACE, type MetricKey } from '#observability/metric-catalog';

/** The dimensions of a metric besides `service`, by their catalog key; values from the domain's lists. */
export type MetricDimensionValues = Partial<Record<Exclude<keyof typeof METRIC_DIMENSIONS, 'service'>, string>>;

export interface ServiceMetricOptions {
  statistic?: string;
  period?: Duration;
  label?: string;
}

/** A metric the publishing functions do not emit under the dimensions asked for. */
class UnpublishedMetricError extends Error {
  override name = 'UnpublishedMetricError';
}

/** Throws unless `key` is published under exactly the dimension names `names`. */
function assertPublished(key: MetricKey, names: readonly string[]): void {
  const spec = METRICS[key];
  const asked = [...names].sort().join(',');
  if (!spec.dimensionSets.some((set) => [...set].sort().join(',') === asked)) {
    throw new UnpublishedMetricError(`${spec.name} is not published with the dimensions ${asked}`);
  }
}

/** The catalog's metrics of one service (the `service` dimension every set carries). */
export class ServiceMetrics {
  constructor(readonly serviceName: string) {}

  /**
   * `key` under `service` plus `dimensions`, which must be exactly one of its catalog dimension sets.
   * Counts default to Sum, durations to Average.
   */
  metric(key: MetricKey, dimensions: MetricDimensionValues = {}, options: ServiceMetricOptions = {}): Metric {
    const spec = METRICS[key];
    const dimensionsMap: Record<string, string> = { [METRIC_DIMENSIONS.service]: this.serviceName };
    for (const [dimension, value] of Object.entries(dimensions)) {
      if (value !== undefined) dimensionsMap[METRIC_DIMENSIONS[dimension as keyof MetricDimensionValues]] = value;
    }
    assertPublished(key, Object.keys(dimensionsMap));
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: spec.name,
      dimensionsMap,
      statistic: options.statistic ?? (spec.unit === 'Count' ? 'Sum' : 'Average'),
      period: options.period,
      label: options.label,
    });
  }

  /**
   * A SEARCH over `key` under `service` and `dimension`, for a dimension whose values no list in
   * the code holds (the connector's error kinds): one line per value that has data.
   */
  search(key: MetricKey, dimension: Exclude<keyof typeof METRIC_DIMENSIONS, 'service'>, statistic: string, period: Duration): string {
    const names = [METRIC_DIMENSIONS.service, METRIC_DIMENSIONS[dimension]];
    assertPublished(key, names);
    const schema = [METRICS_NAMESPACE, ...names].join(',');
    return `SEARCH('{${schema}} MetricName="${METRICS[key].name}" ${METRIC_DIMENSIONS.service}="${this.serviceName}"', '${statistic}', ${period.toSeconds()})`;
  }
}

export interface PercentOfProps {
  /** Prefix of the expression's metric ids, so two percentages can share a graph. */
  id: string;
  label: string;
  part: Metric;
  whole: Metric;
  /**
   * Below this many in `whole` the percentage reads 0: a rate of 1 failure in 2 runs says nothing,
   * and an alarm on it would page for one run. None: every point counts.
   */
  minimumWhole?: number;
}

/**
 * `part` as a percentage of `whole` over `whole`'s period. A period without any `part` counts as
 * 0 (the functions publish a count only when it happens), not as missing.
 */
export function percentOf(props: PercentOfProps): MathExpression {
  const part = `${props.id}_part`;
  const whole = `${props.id}_whole`;
  const percent = `100 * FILL(${part}, 0) / ${whole}`;
  const usingMetrics: Record<string, IMetric> = { [part]: props.part, [whole]: props.whole };
  return new MathExpression({
    expression: props.minimumWhole === undefined ? percent : `IF(${whole} >= ${props.minimumWhole}, ${percent}, 0)`,
    usingMetrics,
    label: props.label,
    period: props.whole.period,
  });
}
