import { compareRecordNo } from '#domain/sync-rules';
import type { Link } from '#ports/stores';

/**
 * Walks the link records (ascending RECORDNO) alongside an Intacct listing in the same order.
 * For each Intacct record it hands back the link with the same RECORDNO, and every link it
 * passed on the way: those have no Intacct record any more (their candidates for unlinking).
 * Holds one page of links at a time, so memory stays flat however large the company.
 */
export class LinkCursor {
  private buffer: Link[] = [];
  private index = 0;
  private done = false;
  private lastIntacctRecordNo: string | null = null;
  private readonly pages: AsyncIterator<Link[]>;

  constructor(links: AsyncIterable<Link[]>) {
    this.pages = links[Symbol.asyncIterator]();
  }

  /**
   * Advances to `recordNo`. Throws when the Intacct listing is not in ascending RECORDNO order,
   * since a merge over an unordered listing would unlink records that still exist.
   */
  async advanceTo(recordNo: string): Promise<{ match: Link | null; passed: Link[] }> {
    if (this.lastIntacctRecordNo !== null && compareRecordNo(recordNo, this.lastIntacctRecordNo) <= 0) {
      throw new Error(`Intacct listing is out of RECORDNO order at ${recordNo}; refusing to merge.`);
    }
    this.lastIntacctRecordNo = recordNo;
    const passed: Link[] = [];
    for (;;) {
      const head = await this.peek();
      if (!head) return { match: null, passed };
      const order = compareRecordNo(head.recordNo, recordNo);
      if (order > 0) return { match: null, passed };
      this.index += 1;
      if (order === 0) return { match: head, passed };
      passed.push(head);
    }
  }

  /**
   * Up to `max` of the links after the last Intacct record (none of them has an Intacct record);
   * empty once all are handed out.
   */
  async rest(max = Number.POSITIVE_INFINITY): Promise<Link[]> {
    const remaining: Link[] = [];
    for (let head = await this.peek(); head && remaining.length < max; head = await this.peek()) {
      remaining.push(head);
      this.index += 1;
    }
    return remaining;
  }

  private async peek(): Promise<Link | undefined> {
    while (this.index >= this.buffer.length && !this.done) {
      const next = await this.pages.next();
      if (next.done) {
        this.done = true;
      } else {
        this.buffer = next.value;
        this.index = 0;
      }
    }
    return this.index < this.buffer.length ? this.buffer[this.index] : undefined;
  }
}
