/**
 * The EMF adapter: what CloudWatch reads from each line (namespace, dimension sets, values) for
 * every metric of the catalog, how values add up between flushes, and where the lines go.
 */
import { describe, expect, it } from 'vitest';
import { EmfTelemetry, redirectEmfOutput } from '#adapters/emf-telemetry';
import { SERVICE_NAME } from '#adapters/logger';
import { METRICS, METRICS_NAMESPACE, type MetricKey } from '#observability/metric-catalog';
import type { DimensionValues } from '#ports/telemetry';
import { emfDocuments, metricSamples, metricTotal } from '../support/emf';

function capture() {
  const lines: string[] = [];
  return { lines, telemetry: new EmfTelemetry({ write: (line) => lines.push(line) }) };
}

/** A value for each dimension metric `key` names: the dimension's own name, so a test can tell them apart. */
function sampleDimensions<K extends MetricKey>(key: K): DimensionValues<K> {
  const names = new Set(METRICS[key].dimensionSets.flat().filter((name) => name !== 'service'));
  return Object.fromEntries([...names].map((name) => [name, `${name}-value`])) as DimensionValues<K>;
}

describe('EmfTelemetry', () => {
  it.each(Object.keys(METRICS) as MetricKey[])('writes %s once per catalog dimension set, in the namespace, under the service', (key) => {
    const { lines, telemetry } = capture();
    const spec = METRICS[key];

    telemetry.record(key, sampleDimensions(key), 3);
    telemetry.flush();

    const documents = emfDocuments(lines);
    expect(documents.map((document) => document.dimensionSets)).toEqual(spec.dimensionSets.map((set) => [[...set]]));
    for (const document of documents) {
      expect(document.namespace).toBe(METRICS_NAMESPACE);
      expect(document.metrics).toEqual([{ Name: spec.name, Unit: spec.unit }]);
      expect(document.fields.service).toBe(SERVICE_NAME);
      expect(document.fields[spec.name]).toBe(3);
      expect(typeof (document.fields._aws as { Timestamp: unknown }).Timestamp).toBe('number');
    }
  });

  it('adds up counts recorded under the same dimension values, and keeps them apart under others', () => {
    const { lines, telemetry } = capture();

    telemetry.record('records', { runType: 'client_import', outcome: 'created' }, 4);
    telemetry.record('records', { outcome: 'created', runType: 'client_import' }, 2);
    telemetry.record('records', { runType: 'client_import', outcome: 'updated' }, 1);
    telemetry.flush();

    const documents = emfDocuments(lines);
    expect(metricTotal(documents, 'Records', { runType: 'client_import', outcome: 'created' })).toBe(6);
    expect(metricTotal(documents, 'Records', { outcome: 'updated' })).toBe(1);
    expect(documents).toHaveLength(4);
  });

  it('keeps each duration a sample of its own, so percentiles see every run', () => {
    const { lines, telemetry } = capture();

    telemetry.record('runDuration', { runType: 'client_sync' }, 1200);
    telemetry.record('runDuration', { runType: 'client_sync' }, 800);
    telemetry.flush();

    expect(metricSamples(emfDocuments(lines), 'RunDuration')).toEqual([1200, 800]);
  });

  it('writes every value of a busy metric in its own lines, under 100 to a line (Powertools would print a 100th on its own)', () => {
    const { lines, telemetry } = capture();

    for (let run = 0; run < 150; run += 1) telemetry.record('runDuration', { runType: 'user_sync' }, run);
    telemetry.flush();

    const samples = metricSamples(emfDocuments(lines), 'RunDuration');
    expect(samples).toHaveLength(150);
    expect(emfDocuments(lines).every((document) => [document.fields.RunDuration].flat().length < 100)).toBe(true);
  });

  it('writes what was recorded once: a second flush writes nothing', () => {
    const { lines, telemetry } = capture();
    telemetry.record('intacctRequests', {});
    telemetry.flush();
    const written = lines.length;

    telemetry.flush();

    expect(written).toBe(1);
    expect(lines).toHaveLength(written);
  });

  it('sends its lines where the process redirected them, until that is undone', () => {
    const redirected: string[] = [];
    const telemetry = new EmfTelemetry();
    const undo = redirectEmfOutput((line) => redirected.push(line));
    try {
      telemetry.record('nightlyTenantsRequested', {}, 2);
      telemetry.flush();
    } finally {
      undo();
    }

    expect(metricTotal(emfDocuments(redirected), 'NightlyTenantsRequested')).toBe(2);
  });
});
