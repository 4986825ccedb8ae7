import { afterAll, beforeAll } from 'vitest';
import { createStores, type StoreOptions, type Stores } from '#store/dynamo-client';
import { type RunningDynalite, startDynalite } from '../support/dynalite';

/** A dynalite server and the store adapters over it, for one test file. */
export interface StoreFixture {
  readonly dynamo: RunningDynalite;
  readonly stores: Stores;
}

/** Starts dynalite before the file's tests and closes it after them. */
export function useStores(options: StoreOptions = {}): StoreFixture {
  let dynamo: RunningDynalite | undefined;
  let stores: Stores | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite();
    stores = createStores(dynamo.doc, dynamo.names, options);
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return {
    get dynamo() {
      if (!dynamo) throw new Error('dynalite is not started yet');
      return dynamo;
    },
    get stores() {
      if (!stores) throw new Error('dynalite is not started yet');
      return stores;
    },
  };
}

/** Tenant ids unique within a file, so tests never see each other's items. */
export function tenantSequence(prefix = 'tenant'): () => string {
  let counter = 0;
  return () => `${prefix}-${++counter}`;
}
