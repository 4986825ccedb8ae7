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
  type IntacctErrorKind,
} from './errors';
export { quoteReadByQueryValue, QUERY_MAX_PAGE_SIZE, READ_BY_QUERY_MAX_PAGE_SIZE } from './query-builder';
