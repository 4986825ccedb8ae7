/**
 * The request slots of one Intacct company. A company allows only a few requests at once (2 for
 * most); every worker calling it, in any process, must share them, or parallel runs draw 429s.
 */
export interface CompanySlots {
  /**
   * Waits for one of `limit` slots of `company` to be free and takes it; resolves with its release.
   * Rejects (with the signal's reason) when `signal` aborts while waiting; a slot never taken then.
   */
  acquire(company: string, limit: number, signal?: AbortSignal): Promise<() => void>;
}
