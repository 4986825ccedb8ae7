/**
 * The request slots of one Intacct company. A company allows only a few requests at once (2 for
 * most); every worker calling it, in any process, must share them, or parallel runs draw 429s.
 */
/** Gives a slot back; never rejects (a slot that could not be given back expires on its own). */
export type SlotRelease = () => Promise<void> | void;

export interface CompanySlots {
  /**
   * Waits for one of `limit` slots of `company` to be free and takes it; resolves with its release.
   * Rejects (with the signal's reason) when `signal` aborts while waiting; a slot never taken then.
   * The release settles once the slot is given back: callers await it, so a process that ends
   * (or a Lambda that freezes) right after its last request does not strand the slot until expiry.
   */
  acquire(company: string, limit: number, signal?: AbortSignal): Promise<SlotRelease>;
}
