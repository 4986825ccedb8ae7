/**
 * When an import's claim is settled by its checkpoint (no write per link): only once the run's saved
 * checkpoint has passed the record in the import step of the record's object.
 */
import { describe, expect, it } from 'vitest';
import { initialCheckpoint, type SyncRun } from '#domain/runs';
import type { Link } from '#ports/stores';
import { ClaimSettlement, importedPast } from '#use-cases/engine/claims';
import { aLink, aRun } from '../store/builders';

/** A client import, running, in its import step. */
const anImport = (overrides: Partial<SyncRun> = {}): SyncRun =>
  aRun({ type: 'client_import', status: 'running', request: { type: 'client_import', customerIds: null, linkMatches: false }, ...overrides });

const at = (step: number, afterRecordNo: string | null): Partial<SyncRun> => ({ checkpoint: { ...initialCheckpoint(), step, afterRecordNo } });

const aClaim = (recordNo: string, runId = 'run-1'): Link =>
  aLink({ recordNo, intacctId: `C-${recordNo}`, psaId: `client-${recordNo}`, fingerprint: 'f', claim: { runId, intent: 'create' } });

describe('importedPast', () => {
  it('is false before the first checkpoint of the import step', () => {
    expect(importedPast(anImport(at(0, null)), 'customer', '1')).toBe(false);
    expect(importedPast(anImport({ checkpoint: null }), 'customer', '1')).toBe(false);
  });

  it('passes records up to the checkpoint, compared as numbers', () => {
    const run = anImport(at(0, '120'));
    expect(importedPast(run, 'customer', '9')).toBe(true);
    expect(importedPast(run, 'customer', '120')).toBe(true);
    expect(importedPast(run, 'customer', '121')).toBe(false);
    expect(importedPast(run, 'customer', '1000')).toBe(false);
  });

  it('passes every record of the object once the import step is done', () => {
    const selected = anImport({ request: { type: 'client_import', customerIds: ['C-1'], linkMatches: false }, ...at(1, null) });
    expect(importedPast(selected, 'customer', '999999')).toBe(true);
  });

  it('never passes an object the run does not import in its import step (departments of a user import)', () => {
    const users = anImport({
      type: 'user_import',
      request: { type: 'user_import', employeeIds: ['E-1'], permissionProfile: 'collaborator', assignDepartments: true },
      ...at(2, null),
    });
    expect(importedPast(users, 'employee', '5')).toBe(true);
    expect(importedPast(users, 'department', '5')).toBe(false);
  });

  it('never passes anything for a sync, which imports nothing', () => {
    const sync = anImport({ type: 'client_sync', request: { type: 'client_sync', resetLinks: false }, ...at(3, null) });
    expect(importedPast(sync, 'customer', '1')).toBe(false);
  });
});

describe('ClaimSettlement', () => {
  it('answers settled claims as none, keeps the others, and reads each claiming run once', async () => {
    const runs = new Map([['run-1', anImport({ id: 'run-1', ...at(0, '10') })]]);
    let reads = 0;
    const settlement = new ClaimSettlement(
      {
        runs: {
          get: async (_tenantId: string, runId: string) => {
            reads += 1;
            return runs.get(runId) ?? null;
          },
        } as never,
      },
      'tenant-a',
    );
    const plain: Link = { ...aClaim('3'), claim: null };

    const settled = await settlement.settle([aClaim('5'), aClaim('11'), aClaim('7', 'gone-run'), plain]);

    expect(settled.map((link) => link.claim?.runId ?? null)).toEqual([null, 'run-1', 'gone-run', null]);
    expect(settled[3]).toBe(plain);
    await settlement.settle([aClaim('6')]);
    expect(reads).toBe(2);
  });
});
