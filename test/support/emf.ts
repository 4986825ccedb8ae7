/**
 * Reads CloudWatch EMF documents back out of log lines, as CloudWatch would: a JSON line with an
 * `_aws.CloudWatchMetrics` directive is a metric document; any other line is left alone.
 */
import { METRICS_NAMESPACE } from '#observability/metric-catalog';

export interface EmfDocument {
  namespace: string;
  /** The document's dimension sets (this service writes one set per document). */
  dimensionSets: string[][];
  metrics: { Name: string; Unit: string }[];
  /** Every top-level member: dimension values and metric values. */
  fields: Record<string, unknown>;
}

/** The EMF documents among `lines` (log lines of any kind). */
export function emfDocuments(lines: readonly string[]): EmfDocument[] {
  const documents: EmfDocument[] = [];
  for (const line of lines) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const aws = (
      parsed as { _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } }
    )._aws;
    const directive = aws?.CloudWatchMetrics?.[0];
    if (!directive) continue;
    documents.push({
      namespace: directive.Namespace,
      dimensionSets: directive.Dimensions,
      metrics: directive.Metrics,
      fields: parsed as Record<string, unknown>,
    });
  }
  return documents;
}

const sum = (value: unknown): number => (Array.isArray(value) ? value.reduce((total: number, item) => total + Number(item), 0) : Number(value ?? 0));

/**
 * The total of metric `name` under exactly the dimension set `service` + the keys of `dimensions`,
 * with those values: what CloudWatch's Sum of that one series would say.
 */
export function metricTotal(documents: readonly EmfDocument[], name: string, dimensions: Record<string, string> = {}): number {
  const wanted = ['service', ...Object.keys(dimensions)].sort().join(',');
  return documents
    .filter((document) => document.namespace === METRICS_NAMESPACE && document.metrics.some((metric) => metric.Name === name))
    .filter((document) => document.dimensionSets.some((set) => [...set].sort().join(',') === wanted))
    .filter((document) => Object.entries(dimensions).every(([key, value]) => document.fields[key] === value))
    .reduce((total, document) => total + sum(document.fields[name]), 0);
}

/** The samples of metric `name` in its service-wide series (for durations: one per run). */
export function metricSamples(documents: readonly EmfDocument[], name: string): number[] {
  return documents
    .filter((document) => document.metrics.some((metric) => metric.Name === name))
    .filter((document) => document.dimensionSets.some((set) => set.length === 1 && set[0] === 'service'))
    .flatMap((document) => [document.fields[name]].flat().map(Number));
}
