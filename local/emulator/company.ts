import type { ResultRegistry } from './results';
import type { CompanyStore } from './store';
import type { EmployeeContactFieldMode, EmulatedEntity } from './types';

/** One emulated Intacct company with its credentials, data, entities and live request count. */
export interface EmulatedCompany {
  companyId: string;
  userId: string;
  userPassword: string;
  store: CompanyStore;
  results: ResultRegistry;
  concurrencyLimit: number;
  inFlight: number;
  /** Empty for a plain (not multi-entity) company. */
  entities: EmulatedEntity[];
  /** How its `query`, lookup and inspect name EMPLOYEE contact fields. */
  employeeContactFields: EmployeeContactFieldMode;
}

/** The company's entity with that location id, if any (location ids are matched exactly, trimmed). */
export function entityOf(company: EmulatedCompany, locationId: string): EmulatedEntity | undefined {
  const wanted = locationId.trim();
  return company.entities.find((entity) => entity.entityId === wanted);
}
