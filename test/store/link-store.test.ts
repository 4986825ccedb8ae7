import { describe, expect, it } from 'vitest';
import { InvalidInput } from '#domain/errors';
import { aLink, collectPages } from './builders';
import { tenantSequence, useStores } from './store-fixture';

/** Small pages, so a handful of links already spans several Query pages. */
const LINK_PAGE_SIZE = 2;

const fixture = useStores({ linkPageSize: LINK_PAGE_SIZE });

const freshTenant = tenantSequence();

describe('link store', () => {
  it('iterates links in ascending numeric recordNo order across several pages', async () => {
    const tenantId = freshTenant();
    for (const recordNo of ['9', '10', '100', '2', '1000000']) {
      await fixture.stores.links.createIfAbsent(aLink({ tenantId, recordNo, psaId: `psa-${recordNo}` }));
    }

    const { items, pageCount } = await collectPages(fixture.stores.links.iterate(tenantId, 'customer'));

    expect(items.map((link) => link.recordNo)).toEqual(['2', '9', '10', '100', '1000000']);
    expect(pageCount).toBeGreaterThan(1);
  });

  it('iterates only the asked object of the asked tenant', async () => {
    const tenantId = freshTenant();
    await fixture.stores.links.createIfAbsent(aLink({ tenantId, object: 'customer', recordNo: '1' }));
    await fixture.stores.links.createIfAbsent(aLink({ tenantId, object: 'employee', recordNo: '2' }));
    await fixture.stores.links.createIfAbsent(aLink({ tenantId: freshTenant(), object: 'employee', recordNo: '3' }));

    const { items } = await collectPages(fixture.stores.links.iterate(tenantId, 'employee'));

    expect(items.map((link) => link.recordNo)).toEqual(['2']);
  });

  it('yields no page for an object without links', async () => {
    expect(await collectPages(fixture.stores.links.iterate(freshTenant(), 'department'))).toEqual({ items: [], pageCount: 0 });
  });

  it('creates a link once: the second createIfAbsent answers false and keeps the first', async () => {
    const link = aLink({ tenantId: freshTenant(), psaId: 'first' });

    const created = await fixture.stores.links.createIfAbsent(link);
    const createdAgain = await fixture.stores.links.createIfAbsent({ ...link, psaId: 'second' });

    expect([created, createdAgain]).toEqual([true, false]);
    expect(await fixture.stores.links.get(link.tenantId, link.object, link.recordNo)).toEqual(link);
  });

  it('deletes a link that points at the given PSA record', async () => {
    const link = aLink({ tenantId: freshTenant() });
    await fixture.stores.links.createIfAbsent(link);

    await fixture.stores.links.deleteIfPointsTo(link.tenantId, link.object, link.recordNo, link.psaId);

    expect(await fixture.stores.links.get(link.tenantId, link.object, link.recordNo)).toBeNull();
  });

  it('leaves a link alone when it points at another PSA record', async () => {
    const link = aLink({ tenantId: freshTenant(), psaId: 'current' });
    await fixture.stores.links.createIfAbsent(link);

    await fixture.stores.links.deleteIfPointsTo(link.tenantId, link.object, link.recordNo, 'someone-else');

    expect(await fixture.stores.links.get(link.tenantId, link.object, link.recordNo)).toEqual(link);
  });

  it('treats deleting a missing link as a no-op', async () => {
    await expect(fixture.stores.links.deleteIfPointsTo(freshTenant(), 'customer', '5', 'x')).resolves.toBeUndefined();
  });

  it('answers getMany by recordNo, missing records absent', async () => {
    const tenantId = freshTenant();
    await fixture.stores.links.createIfAbsent(aLink({ tenantId, recordNo: '1', psaId: 'p1' }));
    await fixture.stores.links.createIfAbsent(aLink({ tenantId, recordNo: '2', psaId: 'p2' }));

    const found = await fixture.stores.links.getMany(tenantId, 'customer', ['2', '1', '3']);

    expect([...found.keys()].sort()).toEqual(['1', '2']);
    expect(found.get('2')?.psaId).toBe('p2');
  });

  it('answers the links of a RECORDNO range, both ends included, in numeric order', async () => {
    const tenantId = freshTenant();
    await fixture.stores.links.putClaims(['2', '9', '10', '99', '100', '101', '1000'].map((recordNo) => aLink({ tenantId, recordNo })));
    await fixture.stores.links.createIfAbsent(aLink({ tenantId, object: 'employee', recordNo: '50' }));

    const links = await fixture.stores.links.inRange(tenantId, 'customer', '9', '100');

    expect(links.map((link) => link.recordNo)).toEqual(['9', '10', '99', '100']);
    expect(await fixture.stores.links.inRange(tenantId, 'customer', '11', '98')).toEqual([]);
  });

  it('writes claims without a condition, 25 to a request, and reads them back as claims', async () => {
    const tenantId = freshTenant();
    const claims = Array.from({ length: 30 }, (_, i) =>
      aLink({ tenantId, recordNo: String(i + 1), fingerprint: `f-${i}`, claim: { runId: 'run-1', intent: 'create' } }),
    );

    await fixture.stores.links.putClaims(claims);

    const stored = await fixture.stores.links.getMany(
      tenantId,
      'customer',
      claims.map((link) => link.recordNo),
    );
    expect([...stored.values()].sort((a, b) => Number(a.recordNo) - Number(b.recordNo))).toEqual(claims);
  });

  it('withdraws a link made by hand, but not an import claim written over it, even one naming the same PSA record', async () => {
    const tenantId = freshTenant();
    const byHand = aLink({ tenantId, recordNo: '1', psaId: 'client-1' });
    await fixture.stores.links.createIfAbsent(byHand);
    await fixture.stores.links.withdrawUnclaimed(byHand);
    expect(await fixture.stores.links.get(tenantId, 'customer', '1')).toBeNull();

    await fixture.stores.links.createIfAbsent(byHand);
    const claim = { ...byHand, claim: { runId: 'run-1', intent: 'link' as const } };
    await fixture.stores.links.putClaims([claim]);
    await fixture.stores.links.withdrawUnclaimed(byHand);
    expect(await fixture.stores.links.get(tenantId, 'customer', '1')).toEqual(claim);
  });

  it("never answers another tenant's link", async () => {
    const link = aLink({ tenantId: freshTenant() });
    await fixture.stores.links.createIfAbsent(link);

    expect(await fixture.stores.links.get(freshTenant(), link.object, link.recordNo)).toBeNull();
  });

  it.each(['', 'abc', '-1', '1234567890123'])('refuses recordNo %j with InvalidInput', async (recordNo) => {
    await expect(fixture.stores.links.get(freshTenant(), 'customer', recordNo)).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('link fingerprints', () => {
  it('stores no fingerprint for a new link and records one over an unknown fingerprint', async () => {
    const link = aLink({ tenantId: freshTenant(), fingerprint: null });
    await fixture.stores.links.createIfAbsent(link);

    expect((await fixture.stores.links.get(link.tenantId, link.object, link.recordNo))?.fingerprint).toBeNull();
    expect(await fixture.stores.links.setFingerprint(link, 'fp-1')).toBe(true);
    expect((await fixture.stores.links.get(link.tenantId, link.object, link.recordNo))?.fingerprint).toBe('fp-1');
  });

  it('clears a claim when it records a fingerprint: the PSA record behind it exists', async () => {
    const tenantId = freshTenant();
    const claimed = aLink({ tenantId, fingerprint: 'old', claim: { runId: 'run-1', intent: 'create' } });
    await fixture.stores.links.putClaims([claimed]);

    expect(await fixture.stores.links.setFingerprint(claimed, 'new')).toBe(true);

    expect(await fixture.stores.links.get(tenantId, 'customer', claimed.recordNo)).toMatchObject({ fingerprint: 'new', claim: null });
  });

  it('refuses to record a fingerprint over a PSA edit made after the link was read', async () => {
    const link = aLink({ tenantId: freshTenant(), fingerprint: null });
    await fixture.stores.links.createIfAbsent(link);
    await fixture.stores.links.setFingerprint(link, 'fp-1');
    const readBySync = (await fixture.stores.links.get(link.tenantId, link.object, link.recordNo))!;

    await fixture.stores.links.invalidateFingerprint(link.tenantId, link.object, link.recordNo, link.psaId);

    expect(await fixture.stores.links.setFingerprint(readBySync, 'fp-2')).toBe(false);
    const stored = (await fixture.stores.links.get(link.tenantId, link.object, link.recordNo))!;
    expect(stored.fingerprint).not.toBe('fp-1');
    expect(stored.fingerprint).not.toBe('fp-2');
    expect(await fixture.stores.links.setFingerprint(stored, 'fp-2')).toBe(true);
  });

  it('invalidates only a link that points at the given PSA record', async () => {
    const link = aLink({ tenantId: freshTenant(), fingerprint: null });
    await fixture.stores.links.createIfAbsent(link);
    await fixture.stores.links.setFingerprint(link, 'fp-1');

    await fixture.stores.links.invalidateFingerprint(link.tenantId, link.object, link.recordNo, 'someone-else');
    await fixture.stores.links.invalidateFingerprint(link.tenantId, link.object, '999', link.psaId);

    expect((await fixture.stores.links.get(link.tenantId, link.object, link.recordNo))?.fingerprint).toBe('fp-1');
    expect(await fixture.stores.links.get(link.tenantId, link.object, '999')).toBeNull();
  });
});
