import { describe, expect, it } from 'vitest';
import * as domain from '../../shared/domain';

describe('shared/domain index', () => {
  it.each([
    'splitContactName',
    'parseIntacctDate',
    'mapCustomer',
    'mapEmployee',
    'mapDepartment',
    'diffFields',
    'CLIENT_MAPPED_FIELDS',
    'USER_MAPPED_FIELDS',
    'needsUnlinkReview',
    'compareRecordNo',
    'applyClientSync',
    'applyUserSync',
    'applyDepartmentSync',
    'newClientFromIntacct',
    'newUserFromIntacct',
    'newDepartmentFromIntacct',
    'unlinkClient',
    'unlinkUser',
    'unlinkDepartment',
    'normalizeName',
    'PERMISSION_PROFILES',
    'CUSTOMER_FIELDS',
    'EVENT_SOURCE',
    'emptyCounts',
    'NotFound',
  ])('re-exports %s', (name) => {
    expect(domain).toHaveProperty(name);
  });
});
