import { randomBytes } from 'node:crypto';
import type { IntacctRecord, ObjectSchema } from './schema';

/** Open readByQuery results kept per company; the oldest is dropped beyond this. */
const MAX_OPEN_RESULTS = 500;
const RESULT_ID_BYTES = 18;

/** A readByQuery result still being read with readMore: its snapshot and where the reader is. */
export interface OpenResult {
  schema: ObjectSchema;
  listType: string;
  fields: readonly string[];
  records: readonly IntacctRecord[];
  position: number;
  pageSize: number;
  /** The session (or login) that opened it: readMore by <object> continues only its own results. */
  owner: string;
}

/** readByQuery results still being read with readMore, per company. */
export class ResultRegistry {
  private readonly open = new Map<string, OpenResult>();

  add(result: OpenResult): string {
    if (this.open.size >= MAX_OPEN_RESULTS) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    const resultId = randomBytes(RESULT_ID_BYTES).toString('hex');
    this.open.set(resultId, result);
    return resultId;
  }

  get(resultId: string): OpenResult | undefined {
    return this.open.get(resultId);
  }

  /** The most recent open result of this owner on this object, for `readMore` by `<object>`. */
  latestFor(owner: string, objectName: string): { resultId: string; result: OpenResult } | undefined {
    let latest: { resultId: string; result: OpenResult } | undefined;
    for (const [resultId, result] of this.open) {
      if (result.owner === owner && result.schema.name === objectName) latest = { resultId, result };
    }
    return latest;
  }

  close(resultId: string): void {
    this.open.delete(resultId);
  }
}
