/**
 * The cloud adapters over real HTTP (a loopback endpoint speaking the AWS protocols), the
 * encrypted secrets file on a real disk, and the configuration's refusals.
 */

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from '#adapters/encrypted-file-secret-store';
import { EventBridgePublisher, EventPublishError } from '#adapters/eventbridge-publisher';
import { LambdaWorkerLauncher } from '#adapters/lambda-worker-launcher';
import { readOAuthClientSecret } from '#adapters/oauth-client-secret';
import { SecretsManagerSecretStore } from '#adapters/secrets-manager-secret-store';
import { ConfigError, loadConfig } from '#config';
import type { DomainEvent } from '#domain/events';
import { type FakeAwsEndpoint, startFakeAwsEndpoint } from './support/aws-endpoint';

const LOCAL = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const OWNER_ONLY = 0o600;
const PERMISSION_BITS = 0o777;
let aws: FakeAwsEndpoint;

beforeAll(async () => {
  aws = await startFakeAwsEndpoint();
});
afterAll(async () => aws.close());
beforeEach(() => {
  aws.putEventsCalls.length = 0;
  aws.events.length = 0;
  aws.invokes.length = 0;
  aws.refuseNext = [];
});

const eventsFor = (count: number): DomainEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    type: 'ClientUpdated',
    detail: { tenantId: 't-1', eventId: `e-${index}`, clientId: `c-${index}` },
  }));

describe('EventBridgePublisher', () => {
  const publisher = (maxAttempts?: number) =>
    new EventBridgePublisher(new EventBridgeClient({ ...LOCAL, endpoint: aws.url }), 'bus-1', {
      retryBaseDelayMs: 1,
      ...(maxAttempts ? { maxAttempts } : {}),
    });

  it('puts events in batches of ten, in order, with source, detail-type and JSON detail', async () => {
    await publisher().publish(eventsFor(23));

    expect(aws.putEventsCalls.map((call) => call.length)).toEqual([10, 10, 3]);
    expect(aws.events.map((entry) => JSON.parse(entry.Detail).clientId)).toEqual(eventsFor(23).map((event) => event.detail.clientId));
    expect(aws.events[0]).toEqual({
      Source: 'psa.intacct-sync',
      DetailType: 'ClientUpdated',
      Detail: JSON.stringify({ tenantId: 't-1', eventId: 'e-0', clientId: 'c-0' }),
      EventBusName: 'bus-1',
    });
  });

  it('sends again only the entries EventBridge refused', async () => {
    aws.refuseNext = [[1, 4]];

    await publisher().publish(eventsFor(5));

    expect(aws.putEventsCalls.map((call) => call.length)).toEqual([5, 2]);
    expect(aws.events).toHaveLength(5);
  });

  it('throws, naming the error code, when entries stay refused', async () => {
    aws.refuseNext = [[0], [0], [0]];

    await expect(publisher(3).publish(eventsFor(1))).rejects.toThrow(EventPublishError);
    expect(aws.putEventsCalls).toHaveLength(3);
  });
});

describe('LambdaWorkerLauncher', () => {
  const launcher = () =>
    new LambdaWorkerLauncher(new LambdaClient({ ...LOCAL, endpoint: aws.url }), {
      clientImport: 'fn-client-import',
      userImport: 'fn-user-import',
      tenantSync: 'fn-tenant-sync',
    });

  it("invokes each run type's worker asynchronously (InvocationType Event) with its request", async () => {
    await launcher().start({ tenantId: 't-1', runId: 'r-1', type: 'client_import' });
    await launcher().start({ tenantId: 't-1', runId: 'r-2', type: 'user_import' });
    await launcher().start({ tenantId: 't-1', runId: 'r-3', type: 'client_sync' });
    await launcher().start({ tenantId: 't-1', runId: 'r-4', type: 'user_sync', handoff: 'h-1' });

    expect(aws.invokes).toEqual([
      { functionName: 'fn-client-import', invocationType: 'Event', payload: { tenantId: 't-1', runId: 'r-1' } },
      { functionName: 'fn-user-import', invocationType: 'Event', payload: { tenantId: 't-1', runId: 'r-2' } },
      { functionName: 'fn-tenant-sync', invocationType: 'Event', payload: { tenantId: 't-1', runId: 'r-3', scope: 'clients' } },
      { functionName: 'fn-tenant-sync', invocationType: 'Event', payload: { tenantId: 't-1', runId: 'r-4', handoff: 'h-1', scope: 'users' } },
    ]);
  });
});

describe('SecretsManagerSecretStore', () => {
  const store = () => new SecretsManagerSecretStore(new SecretsManagerClient({ ...LOCAL, endpoint: aws.url }), 'psa-sync/');

  it('creates, then puts a new value, under the prefixed name', async () => {
    await store().put('intacct/t-1/user-password', 'first');
    await store().put('intacct/t-1/user-password', 'second');

    expect(aws.secrets.get('psa-sync/intacct/t-1/user-password')).toBe('second');
    expect(await store().get('intacct/t-1/user-password')).toBe('second');
  });

  it('answers null for a missing secret and deletes without a recovery window', async () => {
    await store().put('intacct/t-2/user-password', 'value');

    await store().delete('intacct/t-2/user-password');
    await store().delete('intacct/t-2/user-password');

    expect(await store().get('intacct/t-2/user-password')).toBeNull();
    expect(aws.secretDeletes.at(-1)).toEqual({ SecretId: 'psa-sync/intacct/t-2/user-password', ForceDeleteWithoutRecovery: true });
  });

  it('replaces only a secret that exists: a deleted OAuth grant is not brought back by a late refresh', async () => {
    await store().put('intacct/t-4/oauth-grant', 'first');

    expect(await store().replace('intacct/t-4/oauth-grant', 'rotated')).toBe(true);
    await store().delete('intacct/t-4/oauth-grant');
    expect(await store().replace('intacct/t-4/oauth-grant', 'late')).toBe(false);

    expect(await store().get('intacct/t-4/oauth-grant')).toBeNull();
    expect(aws.secrets.has('psa-sync/intacct/t-4/oauth-grant')).toBe(false);
  });

  it('waits out a secret still being deleted when the tenant reconnects at once', async () => {
    const quick = new SecretsManagerSecretStore(new SecretsManagerClient({ ...LOCAL, endpoint: aws.url }), 'psa-sync/', 5);
    await quick.put('intacct/t-3/user-password', 'old');
    aws.deletionLagCalls = 3;
    try {
      await quick.delete('intacct/t-3/user-password');

      await quick.put('intacct/t-3/user-password', 'new');

      expect(await quick.get('intacct/t-3/user-password')).toBe('new');
    } finally {
      aws.deletionLagCalls = 0;
    }
  });
});

describe('readOAuthClientSecret', () => {
  const client = () => new SecretsManagerClient({ ...LOCAL, endpoint: aws.url });

  it('reads the client id and secret from the JSON the operator put', async () => {
    aws.secrets.set('oauth-client', JSON.stringify({ clientId: 'psa-sync', clientSecret: 's3cr3t-value' }));
    expect(await readOAuthClientSecret(client(), 'oauth-client')).toEqual({ clientId: 'psa-sync', clientSecret: 's3cr3t-value' });
  });

  it.each([['not json s3cr3t-value'], [JSON.stringify({ clientId: 'psa-sync' })], [JSON.stringify({ clientId: '', clientSecret: 's3cr3t-value' })]])(
    'says what the secret must hold, never what it holds: %s',
    async (value) => {
      aws.secrets.set('oauth-client-bad', value);
      const failure = await readOAuthClientSecret(client(), 'oauth-client-bad').catch((error: Error) => error);
      expect(String(failure)).toMatch(/clientId and clientSecret/);
      expect(String(failure)).not.toContain('s3cr3t-value');
    },
  );
});

describe('EncryptedFileSecretStore', () => {
  let dir: string;
  let paths: { file: string; keyFile: string };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-test-'));
    paths = { file: join(dir, 'data', 'secrets.json.enc'), keyFile: join(dir, 'keys', 'secrets.key') };
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps values encrypted on disk, readable by another store over the same files', async () => {
    await new EncryptedFileSecretStore(paths).put('intacct/t-1/user-password', 'hunter2-secret');

    expect(await readFile(paths.file, 'utf8')).not.toContain('hunter2-secret');
    expect(await new EncryptedFileSecretStore(paths).get('intacct/t-1/user-password')).toBe('hunter2-secret');
  });

  it('generates the key on first use, readable by the owner only', async () => {
    await new EncryptedFileSecretStore(paths).put('a', 'b');

    expect((await stat(paths.keyFile)).mode & PERMISSION_BITS).toBe(OWNER_ONLY);
    expect((await stat(paths.file)).mode & PERMISSION_BITS).toBe(OWNER_ONLY);
    expect((await readFile(paths.keyFile, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('uses a fresh 96-bit IV for every write', async () => {
    const store = new EncryptedFileSecretStore(paths);
    await store.put('a', 'same');
    const first = JSON.parse(await readFile(paths.file, 'utf8'));
    await store.put('a', 'same');
    const second = JSON.parse(await readFile(paths.file, 'utf8'));

    expect(Buffer.from(first.iv, 'base64')).toHaveLength(12);
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
  });

  it('keeps every secret through concurrent writes, and deletes one', async () => {
    const store = new EncryptedFileSecretStore(paths);
    await Promise.all(['a', 'b', 'c', 'd'].map((ref) => store.put(ref, `value-${ref}`)));

    await store.delete('b');

    expect(await Promise.all(['a', 'b', 'c', 'd'].map((ref) => store.get(ref)))).toEqual(['value-a', null, 'value-c', 'value-d']);
  });

  it('cannot be read with another key', async () => {
    await new EncryptedFileSecretStore(paths).put('a', 'b');

    await expect(new EncryptedFileSecretStore({ ...paths, keyFile: join(dir, 'other.key') }).get('a')).rejects.toThrow();
  });

  it('answers null before anything was written', async () => {
    expect(await new EncryptedFileSecretStore(paths).get('a')).toBeNull();
  });

  it('replaces only a secret that exists', async () => {
    const store = new EncryptedFileSecretStore(paths);
    await store.put('grant', 'first');

    expect(await store.replace('grant', 'rotated')).toBe(true);
    expect(await store.replace('missing', 'late')).toBe(false);

    expect(await store.get('grant')).toBe('rotated');
    expect(await store.get('missing')).toBeNull();
  });
});

describe('loadConfig', () => {
  const complete: Record<string, string> = {
    ENTITIES_TABLE: 'entities',
    LINKS_TABLE: 'links',
    RUNS_TABLE: 'runs',
    EVENT_BUS_NAME: 'bus',
    CLIENT_IMPORT_FUNCTION: 'client-import',
    USER_IMPORT_FUNCTION: 'user-import',
    TENANT_SYNC_FUNCTION: 'tenant-sync',
    INTACCT_ENDPOINT_URL: 'https://api.intacct.com/ia/xml/xmlgw.phtml',
    INTACCT_SENDER_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:sender',
    SECRETS_BACKEND: 'secrets-manager',
    TENANT_SECRET_PREFIX: 'psa-sync/',
    AWS_REGION: 'eu-west-1',
  };
  const without = (name: string) => Object.fromEntries(Object.entries(complete).filter(([key]) => key !== name));

  it('reads the cloud configuration, LOG_LEVEL defaulting to INFO and no local endpoints', () => {
    expect(loadConfig(complete)).toMatchObject({
      tables: { entities: 'entities', links: 'links', runs: 'runs' },
      dynamodbEndpoint: null,
      eventBridgeEndpoint: null,
      lambdaEndpoint: null,
      intacct: { sender: { source: 'secret' } },
      secrets: { backend: 'secrets-manager', tenantSecretPrefix: 'psa-sync/' },
      logLevel: 'INFO',
    });
  });

  it.each(Object.keys(complete).filter((name) => name !== 'INTACCT_SENDER_SECRET_ARN'))('fails naming %s when it is missing', (name) => {
    expect(() => loadConfig(without(name))).toThrow(new RegExp(name));
  });

  it('asks for INTACCT_SENDER_ID and INTACCT_SENDER_PASSWORD without a sender secret', () => {
    expect(() => loadConfig(without('INTACCT_SENDER_SECRET_ARN'))).toThrow(/INTACCT_SENDER_ID/);
    expect(() => loadConfig({ ...without('INTACCT_SENDER_SECRET_ARN'), INTACCT_SENDER_ID: 'x' })).toThrow(/INTACCT_SENDER_PASSWORD/);
  });

  it('asks for the secrets file and key file with the local-file backend', () => {
    expect(() => loadConfig({ ...complete, SECRETS_BACKEND: 'local-file' })).toThrow(/LOCAL_SECRETS_FILE/);
    expect(() => loadConfig({ ...complete, SECRETS_BACKEND: 'local-file', LOCAL_SECRETS_FILE: 'f' })).toThrow(/LOCAL_SECRETS_KEY_FILE/);
  });

  it('turns Connect with Sage Intacct on with INTACCT_REST_URL, and then asks for the OAuth client', () => {
    expect(loadConfig(complete).intacct.oauth).toBeNull();
    const rest = { ...complete, INTACCT_REST_URL: 'https://api.intacct.com/ia/api/v1' };
    expect(() => loadConfig(rest)).toThrow(/INTACCT_OAUTH_CLIENT_ID/);
    expect(() => loadConfig({ ...rest, INTACCT_OAUTH_CLIENT_ID: 'client' })).toThrow(/INTACCT_OAUTH_CLIENT_SECRET/);
    expect(loadConfig({ ...rest, INTACCT_OAUTH_CLIENT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:oauth' }).intacct.oauth).toEqual({
      restBaseUrl: 'https://api.intacct.com/ia/api/v1',
      client: { source: 'secret', secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:oauth' },
      redirectUri: null,
    });
    const api = loadConfig({
      ...rest,
      INTACCT_OAUTH_CLIENT_ID: 'client',
      INTACCT_OAUTH_CLIENT_SECRET: 'secret',
      INTACCT_OAUTH_REDIRECT_URI: 'https://api.example.com/integrations/intacct/oauth/callback',
      CONSOLE_URL: 'https://console.example.com/',
    });
    expect(api.intacct.oauth?.redirectUri).toBe('https://api.example.com/integrations/intacct/oauth/callback');
    expect(api.consoleUrl).toBe('https://console.example.com');
  });

  it.each([
    ['SECRETS_BACKEND', 'vault'],
    ['LOG_LEVEL', 'LOUD'],
    ['INTACCT_ENDPOINT_URL', 'not a url'],
    ['DYNAMODB_ENDPOINT', 'localhost:8000'],
    ['INTACCT_REST_URL', 'ftp://intacct.example/'],
    ['CONSOLE_URL', 'console.example.com'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ ...complete, [name]: value })).toThrow(ConfigError);
  });
});
