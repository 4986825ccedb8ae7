/**
 * The service's metrics, as the use cases and adapters report them: a metric of the catalog
 * (shared/observability/metric-catalog.ts) and the values of the dimensions its sets name.
 * Dimension values come from the domain's closed lists; a tenant id never is one.
 */
import type { METRICS, MetricKey } from '#observability/metric-catalog';

/** The dimensions (besides `service`, which the adapter adds) that metric `K`'s sets name. */
type DimensionsOf<K extends MetricKey> = Exclude<(typeof METRICS)[K]['dimensionSets'][number][number], 'service'>;

/** One value for each dimension metric `K` is published under. */
export type DimensionValues<K extends MetricKey> = Readonly<Record<DimensionsOf<K>, string>>;

export interface Telemetry {
  /** Adds `value` (a count, or a duration in ms, as the catalog says) to metric `key`. */
  record<K extends MetricKey>(key: K, dimensions: DimensionValues<K>, value?: number): void;
  /** Writes out everything recorded since the last flush; every invocation ends with one. */
  flush(): void;
}
