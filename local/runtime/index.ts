/** The local runtime (`npm start`, `npm run invoke`): everything else imports from here. */

export { NotADataDirError } from './data-dir';
export { FUNCTION_NAMES, type FunctionName, isFunctionName } from './functions';
export { issueToken, LOCAL_AUDIENCE, LOCAL_ISSUER, signJwt, verifyJwt } from './jwt';
export { startLocalRuntime } from './local-runtime';
export type { RuntimeInternalInfo } from './runtime-files';
export type { LocalRuntime, LocalRuntimeOptions, RuntimeInfo } from './types';
