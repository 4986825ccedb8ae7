/** The local runtime (`npm start`, `npm run invoke`): everything else imports from here. */
export { startLocalRuntime } from './local-runtime';
export type {  LocalRuntime, LocalRuntimeOptions, RuntimeInfo } from './types';
export type { RuntimeInternalInfo } from './runtime-files';
;
export {  NotADataDirError,  } from './data-dir';
export { FUNCTION_NAMES, isFunctionName, type FunctionName } from './functions';
;
export { LOCAL_AUDIENCE, LOCAL_ISSUER, signJwt, issueToken, verifyJwt } from './jwt';
;
