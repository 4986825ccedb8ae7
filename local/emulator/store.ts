import type { IntacctRecord, ObjectName, ObjectSchema } from './schema';
import { CUSTOMER_SCHEMA, DEPARTMENT_SCHEMA, EMPLOYEE_SCHEMA } from './schema';

/** How many distinct filtered/sorted listings a table keeps, so paging through one is O(page). */
const LISTING_CACHE_SIZE = 8;

/**
 * One object's records, always in RECORDNO order (RECORDNO only ever grows), so an unordered or
 * RECORDNO-ordered listing needs no sort. Every write drops the cached listings.
 */
export class ObjectTable {
  readonly records: IntacctRecord[] = [];
  private readonly byBusinessKey = new Map<string, IntacctRecord>();
  private readonly listingCache = new Map<string, IntacctRecord[]>();
  private lastRecordNo = 0;

  constructor(readonly schema: ObjectSchema) {}

  /** The RECORDNO the next appended record gets. */
  nextRecordNo(): number {
    return this.lastRecordNo + 1;
  }

  /** Appends a complete record; its RECORDNO must be above every existing one. */
  append(record: IntacctRecord): void {
    const recordNo = Number(record.RECORDNO);
    if (!(recordNo > this.lastRecordNo)) throw new Error(`RECORDNO ${record.RECORDNO} out of order`);
    this.lastRecordNo = recordNo;
    this.records.push(record);
    const key = record[this.schema.idField];
    if (key) this.byBusinessKey.set(key, record);
    this.touch();
  }

  findByRecordNo(recordNo: number): IntacctRecord | undefined {
    const index = this.indexOfRecordNo(recordNo);
    return index < 0 ? undefined : this.records[index];
  }

  findByBusinessKey(key: string): IntacctRecord | undefined {
    return this.byBusinessKey.get(key);
  }

  /** Applies changed field values to a stored record, keeping the business-key index right. */
  modify(record: IntacctRecord, changes: IntacctRecord): void {
    const idField = this.schema.idField;
    const oldKey = record[idField];
    Object.assign(record, changes);
    const newKey = record[idField];
    if (oldKey !== newKey) {
      if (oldKey) this.byBusinessKey.delete(oldKey);
      if (newKey) this.byBusinessKey.set(newKey, record);
    }
    this.touch();
  }

  remove(recordNo: number): boolean {
    const index = this.indexOfRecordNo(recordNo);
    if (index < 0) return false;
    const [removed] = this.records.splice(index, 1);
    const key = removed?.[this.schema.idField];
    if (key) this.byBusinessKey.delete(key);
    this.touch();
    return true;
  }

  /** Returns a cached listing for this key and the current data, or builds and caches it. */
  cachedListing(cacheKey: string, build: () => IntacctRecord[]): IntacctRecord[] {
    const cached = this.listingCache.get(cacheKey);
    if (cached) return cached;
    const listing = build();
    if (this.listingCache.size >= LISTING_CACHE_SIZE) {
      const oldest = this.listingCache.keys().next().value;
      if (oldest !== undefined) this.listingCache.delete(oldest);
    }
    this.listingCache.set(cacheKey, listing);
    return listing;
  }

  private touch(): void {
    this.listingCache.clear();
  }

  private indexOfRecordNo(recordNo: number): number {
    let low = 0;
    let high = this.records.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const middleNo = Number(this.records[middle]?.RECORDNO);
      if (middleNo === recordNo) return middle;
      if (middleNo < recordNo) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}

/** All data of one emulated company. */
export class CompanyStore {
  readonly tables: Record<ObjectName, ObjectTable> = {
    CUSTOMER: new ObjectTable(CUSTOMER_SCHEMA),
    EMPLOYEE: new ObjectTable(EMPLOYEE_SCHEMA),
    DEPARTMENT: new ObjectTable(DEPARTMENT_SCHEMA),
  };

  table(objectName: ObjectName): ObjectTable {
    return this.tables[objectName];
  }
}
