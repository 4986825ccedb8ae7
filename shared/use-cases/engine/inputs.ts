/** Inputs and answers several use cases share (the import dialogs, the client forms). */
import type { ClientMappedFields } from '#domain/entities';

/** A client as the PSA's forms give it: a name, any mapped fields, notes. */
export type ClientInput = Partial<ClientMappedFields> & { name: string; notes?: string };

export interface BrowseQuery {
  search?: string;
  limit: number;
  /** The RECORDNO the previous full page ended at. */
  cursor?: string;
}

export interface Browsed<T> {
  items: T[];
  nextCursor: string | null;
}
