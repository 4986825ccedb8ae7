/**
 * The Telemetry port as CloudWatch embedded metric format (EMF): Powertools Metrics builds each
 * document, one JSON line per metric, dimension values and dimension set the catalog lists for the
 * metric. On Lambda the lines go to stdout, where CloudWatch Logs turns them into
 * metrics without an API call; the local runtime sends them to its log instead.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_NAMESPACE, type MetricDimension, type MetricKey } from '#observability/metric-catalog';
import type { DimensionValues, Telemetry } from '#ports/telemetry';
import { SERVICE_NAME } from './logger';

/** Powertools prints a metric on its own (to stdout) once it holds 100 values; chunks stay below that. */
const MAX_VALUES_PER_DOCUMENT = 99;

export interface EmfTelemetryOptions {
  /** Receives each EMF document as one JSON line; default the process's EMF output (see redirectEmfOutput). */
  write?: (line: string) => void;
}

type LineWriter = (line: string) => void;

const writeToStdout: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Kept on globalThis, not in this module: tests load a fresh copy of the function modules (and so of
 * this one) for each local runtime, and every copy must write where the runtime said.
 */
const EMF_OUTPUT = Symbol.for('psa-intacct-sync.emf-output');
type WithEmfOutput = { [EMF_OUTPUT]?: LineWriter };

/** Where an EmfTelemetry without its own `write` sends its lines: stdout, unless redirected. */
function processEmfOutput(line: string): void {
  ((globalThis as WithEmfOutput)[EMF_OUTPUT] ?? writeToStdout)(line);
}

/**
 * Sends the EMF lines of every EmfTelemetry in this process (those without their own `write`) to
 * `write`, until the returned function undoes it. The local runtime hosts the functions in its
 * own process: this puts their metrics in its log, where Lambda would put them in CloudWatch Logs.
 */
export function redirectEmfOutput(write: LineWriter): () => void {
  const holder = globalThis as WithEmfOutput;
  const previous = holder[EMF_OUTPUT];
  holder[EMF_OUTPUT] = write;
  return () => {
    if (previous === undefined) delete holder[EMF_OUTPUT];
    else holder[EMF_OUTPUT] = previous;
  };
}

/** The values recorded for one metric under one set of dimension values since the last flush. */
interface Series {
  key: MetricKey;
  dimensions: Readonly<Record<string, string>>;
  values: number[];
}

/**
 * Buffers what is recorded and writes it on flush: counts under the same dimension values add up
 * to one value (so a chatty connector makes one line per invocation, not one per request); each
 * duration stays a sample of its own, so CloudWatch's percentiles see every run.
 */
export class EmfTelemetry implements Telemetry {
  readonly #series = new Map<string, Series>();
  readonly #write: LineWriter;
  // Only a serializer here: it never holds anything between two flushes, so it never prints on its own.
  readonly #emf = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

  constructor(options: EmfTelemetryOptions = {}) {
    this.#write = options.write ?? processEmfOutput;
  }

  record<K extends MetricKey>(key: K, dimensions: DimensionValues<K>, value = 1): void {
    const values: Record<string, string> = { ...dimensions };
    const id = JSON.stringify([key, Object.entries(values).sort(([a], [b]) => a.localeCompare(b))]);
    let series = this.#series.get(id);
    if (!series) {
      series = { key, dimensions: values, values: [] };
      this.#series.set(id, series);
    }
    if (METRICS[key].unit === 'Count') series.values[0] = (series.values[0] ?? 0) + value;
    else series.values.push(value);
  }

  flush(): void {
    const pending = [...this.#series.values()];
    this.#series.clear();
    for (const series of pending) {
      for (const set of METRICS[series.key].dimensionSets) {
        for (let start = 0; start < series.values.length; start += MAX_VALUES_PER_DOCUMENT) {
          this.#write(this.#document(series, set, series.values.slice(start, start + MAX_VALUES_PER_DOCUMENT)));
        }
      }
    }
  }

  /**
   * One EMF document: the metric's values under one dimension set (`service` is Powertools' default
   * dimension). One set per document, as the catalog says: sets sharing a dimension in one document
   * make Powertools warn about the repeated key.
   */
  #document(series: Series, set: readonly MetricDimension[], values: readonly number[]): string {
    const spec = METRICS[series.key];
    try {
      this.#emf.addDimensions(Object.fromEntries(set.filter((name) => name !== 'service').map((name) => [name, series.dimensions[name] ?? ''])));
      for (const value of values) this.#emf.addMetric(spec.name, MetricUnit[spec.unit], value);
      return JSON.stringify(this.#emf.serializeMetrics());
    } finally {
      this.#emf.clearMetrics();
      this.#emf.clearDimensions();
    }
  }
}
