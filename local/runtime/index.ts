/** The local runtime (`npm start`, `npm run invoke`): everything else imports from here. */
export { startLocalRuntime } from './local-runtime';
export type { ConsoleOptions, LocalRuntime, LocalRuntimeOptions, RuntimeInfo } from './types';
export type { RuntimeInternalInfo } from './runtime-files';
export type { RuntimeTenant } from './demo-tenants';
export { dataPaths, NotADataDirError, type DataPaths } from './data-dir';
export { FUNCTION_NAMES, isFunctionName, type FunctionName } from './functions';
export { parseCron, nextFireTime, CronError, type CronSchedule } from './cron';
export { LOCAL_AUDIENCE, LOCAL_ISSUER, signJwt, issueToken, verifyJwt } from './jwt';
export { HEALTH_PATH, NIGHTLY_PATH } from './server';
