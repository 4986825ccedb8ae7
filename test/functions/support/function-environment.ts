/**
 * The cloud path of the functions, on loopback: the environment every function reads, pointing
 * at dynalite, the Intacct emulator, a fake EventBridge/Lambda endpoint and an encrypted secrets
 * file in a temporary directory. Function modules are imported after it is set, as Lambda loads
 * them after its environment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redirectEmfOutput } from '#adapters/emf-telemetry';
import { buildDeps } from '#composition';
import { loadConfig } from '#config';
import { connectIntacct } from '#use-cases/connect-intacct';
import type { SyncDeps } from '#use-cases/engine/deps';
import type { EmulatorCompanySeed } from '../../../local/emulator';
import { type RunningEmulator, startEmulator } from '../../../local/emulator';
import { type RunningDynalite, startDynalite } from '../../support/dynalite';
import { type FakeAwsEndpoint, startFakeAwsEndpoint } from './aws-endpoint';

export const EVENT_BUS_NAME = 'test-bus';

export interface FunctionEnvironment {
  env: Record<string, string>;
  emulator: RunningEmulator;
  dynamo: RunningDynalite;
  aws: FakeAwsEndpoint;
  /** Deps built from the same configuration the functions read. */
  deps: SyncDeps;
  /** Tenants connected to the emulator's companies, in order. */
  tenants: string[];
  /** The EMF lines the functions wrote (stdout on Lambda), as each invocation flushed them. */
  metricLines: string[];
  close(): Promise<void>;
}

/** Starts the parts, sets process.env and connects one tenant per company. */
export async function startFunctionEnvironment(companies: Partial<EmulatorCompanySeed>[]): Promise<FunctionEnvironment> {
  const emulator = await startEmulator({
    companies: companies.map((seed, index) => ({
      companyId: `FN-COMPANY-${index + 1}`,
      userId: `fn_user_${index + 1}`,
      userPassword: `fn-pass-${index + 1}!`,
      seed: index + 1,
      ...seed,
    })),
  });
  const dynamo = await startDynalite();
  const aws = await startFakeAwsEndpoint();
  const secretsDir = await mkdtemp(join(tmpdir(), 'fn-secrets-'));
  const env: Record<string, string> = {
    ENTITIES_TABLE: dynamo.names.entities,
    LINKS_TABLE: dynamo.names.links,
    RUNS_TABLE: dynamo.names.runs,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    EVENT_BUS_NAME,
    EVENTBRIDGE_ENDPOINT: aws.url,
    LAMBDA_ENDPOINT: aws.url,
    CLIENT_IMPORT_FUNCTION: 'client-import',
    USER_IMPORT_FUNCTION: 'user-import',
    TENANT_SYNC_FUNCTION: 'tenant-sync',
    INTACCT_ENDPOINT_URL: emulator.endpointUrl,
    INTACCT_SENDER_ID: emulator.senderId,
    INTACCT_SENDER_PASSWORD: emulator.senderPassword,
    SECRETS_BACKEND: 'local-file',
    LOCAL_SECRETS_FILE: join(secretsDir, 'secrets.json.enc'),
    LOCAL_SECRETS_KEY_FILE: join(secretsDir, 'secrets.key'),
    AWS_REGION: 'local',
    LOG_LEVEL: 'SILENT',
  };
  Object.assign(process.env, env);
  const metricLines: string[] = [];
  const restoreEmfOutput = redirectEmfOutput((line) => metricLines.push(line));
  const deps = buildDeps(loadConfig(env));
  const tenants: string[] = [];
  for (const [index, company] of emulator.companies.entries()) {
    const tenantId = `fn-tenant-${index + 1}`;
    await connectIntacct(deps, tenantId, { companyId: company.companyId, userId: company.userId, password: company.userPassword });
    tenants.push(tenantId);
  }
  return {
    env,
    emulator,
    dynamo,
    aws,
    deps,
    tenants,
    metricLines,
    async close() {
      restoreEmfOutput();
      for (const name of Object.keys(env)) delete process.env[name];
      await Promise.all([emulator.close(), dynamo.close(), aws.close()]);
      await rm(secretsDir, { recursive: true, force: true });
    },
  };
}
