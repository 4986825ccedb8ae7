/** What every read function needs: the company's data, and who is reading (entity, naming). */
import type { Visibility } from './entities';
import { visibilityFor } from './entities';
import { FunctionFailure, QUERY_FAILED, withSupportId } from './errors';
import type { ResultRegistry } from './results';
import type { ObjectSchema } from './schema';
import { findSchema } from './schema';
import type { CompanyStore } from './store';
import type { EmployeeContactFieldMode } from './types';

export interface ReadScope {
  store: CompanyStore;
  results: ResultRegistry;
  /** The session's entity; '' at the top level. */
  entityId: string;
  /** Whether the company has entities at all (without them every record is shared). */
  hasEntities: boolean;
  contactFields: EmployeeContactFieldMode;
  /** The session id, or the login, that reads: readMore by <object> continues only its own results. */
  owner: string;
}

/** What a function answers: the <data> element (or '') and how many records it holds. */
export interface FunctionOutcome {
  data: string;
  records: number;
}

/** The visibility of a read in this scope; showprivate only matters at the top level. */
export function readVisibility(scope: ReadScope, showPrivate: boolean): Visibility {
  return visibilityFor(scope.entityId, showPrivate, scope.hasEntities);
}

export function queryFailure(description2: string, correction: string): FunctionFailure {
  return new FunctionFailure(QUERY_FAILED, withSupportId(description2), correction);
}

/** The object's schema; an unknown object fails as production words it ("Object definition X not found"). */
export function requireReadableSchema(objectName: string): ObjectSchema {
  const schema = findSchema(objectName);
  if (!schema) {
    throw queryFailure(`Object definition ${objectName.trim() || '(none)'} not found`, 'Check the object name: CUSTOMER, EMPLOYEE or DEPARTMENT.');
  }
  return schema;
}

/** Splits a comma-separated list (keys, fields), dropping blanks. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
