export {
  IntacctClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type IntacctClientOptions,
  type IntacctCredentials,
  type IntacctRecord,
  type RequestOptions,
  type QueryFilter,
  type QueryPage,
  type QueryRequest,
  type ReadByQueryRequest,
} from './client';
export {
  IntacctError,
  IntacctAuthenticationError,
  IntacctPermissionError,
  IntacctRateLimitError,
  IntacctTransientError,
  IntacctProtocolError,
  IntacctQueryError,
  IntacctTimeoutError,
  INTACCT_ERRORNO,
  MAX_INTACCT_TEXT_BYTES,
  capIntacctText,
  parseRetryAfter,
  type IntacctErrorKind,
} from './errors';
export { processCompanySlots, companyKey, DEFAULT_COMPANY_CONCURRENCY } from './company-concurrency';
export {
  EmployeeContactNamings,
  processEmployeeContactNamings,
  type EmployeeContactNaming,
} from './employee-contact-fields';
export { quoteReadByQueryValue, QUERY_MAX_PAGE_SIZE, READ_BY_QUERY_MAX_PAGE_SIZE } from './query-builder';
