/**
 * A loopback stand-in for the two AWS APIs the functions call besides DynamoDB: EventBridge
 * PutEvents (JSON 1.1 protocol) and Lambda Invoke (REST). It records what the SDK clients send
 * and can refuse PutEvents entries, so the adapters are tested over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
}

interface RecordedInvoke {
  functionName: string;
  invocationType: string | undefined;
  payload: unknown;
}

export interface FakeAwsEndpoint {
  url: string;
  /** Every PutEvents call, with its entries as sent. */
  putEventsCalls: PutEventsEntry[][];
  /** Entries accepted, in order. */
  events: PutEventsEntry[];
  invokes: RecordedInvoke[];
  /** Secrets Manager secrets by name, and the delete requests received. */
  secrets: Map<string, string>;
  secretDeletes: { SecretId: string; ForceDeleteWithoutRecovery?: boolean }[];
  /**
   * After a delete, Secrets Manager takes a moment to forget the name: this many create or put calls
   * on it are refused as "scheduled for deletion" first (0 by default).
   */
  deletionLagCalls: number;
  stillDeleting: Map<string, number>;
  /** Refuse these entry positions (0-based within the call) on the next PutEvents calls, one list per call. */
  refuseNext: number[][];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const ACCEPTED = 202;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const SECRETS_MANAGER_PREFIX = 'secretsmanager.';

interface SecretsRequest {
  Name?: string;
  SecretId?: string;
  SecretString?: string;
  ForceDeleteWithoutRecovery?: boolean;
}

/** The four Secrets Manager operations the secret store uses, over an in-memory map. */
function secretsManager(endpoint: FakeAwsEndpoint, operation: string, input: SecretsRequest): { error?: string; message?: string; body?: unknown } {
  const name = input.Name ?? input.SecretId ?? '';
  const lag = endpoint.stillDeleting.get(name) ?? 0;
  if (lag > 0 && (operation === 'CreateSecret' || operation === 'PutSecretValue')) {
    endpoint.stillDeleting.set(name, lag - 1);
    return {
      error: 'InvalidRequestException',
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    };
  }
  switch (operation) {
    case 'CreateSecret':
      if (endpoint.secrets.has(name)) return { error: 'ResourceExistsException' };
      endpoint.secrets.set(name, input.SecretString ?? '');
      return { body: { Name: name, ARN: `arn:aws:secretsmanager:local:000000000000:secret:${name}` } };
    case 'PutSecretValue':
      if (!endpoint.secrets.has(name)) return { error: 'ResourceNotFoundException' };
      endpoint.secrets.set(name, input.SecretString ?? '');
      return { body: { Name: name } };
    case 'GetSecretValue':
      if (!endpoint.secrets.has(name)) return { error: 'ResourceNotFoundException' };
      return { body: { Name: name, SecretString: endpoint.secrets.get(name) } };
    case 'DeleteSecret':
      endpoint.secretDeletes.push({ SecretId: name, ForceDeleteWithoutRecovery: input.ForceDeleteWithoutRecovery });
      if (!endpoint.secrets.delete(name)) return { error: 'ResourceNotFoundException' };
      if (endpoint.deletionLagCalls > 0) endpoint.stillDeleting.set(name, endpoint.deletionLagCalls);
      return { body: { Name: name } };
    default:
      return { error: 'UnknownOperationException' };
  }
}

/** Starts the endpoint on 127.0.0.1, random port. */
export async function startFakeAwsEndpoint(): Promise<FakeAwsEndpoint> {
  const endpoint: FakeAwsEndpoint = {
    url: '',
    putEventsCalls: [],
    events: [],
    invokes: [],
    refuseNext: [],
    secrets: new Map(),
    secretDeletes: [],
    deletionLagCalls: 0,
    stillDeleting: new Map(),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  const server: Server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const invoke = INVOKE_PATH.exec(request.url ?? '');
    if (request.method === 'POST' && invoke) {
      endpoint.invokes.push({
        functionName: decodeURIComponent(invoke[1]!),
        invocationType: request.headers['x-amz-invocation-type'] as string | undefined,
        payload: JSON.parse(body),
      });
      response.writeHead(ACCEPTED).end();
      return;
    }
    if (request.headers['x-amz-target'] === 'AWSEvents.PutEvents') {
      const entries = (JSON.parse(body) as { Entries: PutEventsEntry[] }).Entries;
      endpoint.putEventsCalls.push(entries);
      const refused = new Set(endpoint.refuseNext.shift() ?? []);
      const results = entries.map((entry, index) => {
        if (refused.has(index)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
        endpoint.events.push(entry);
        return { EventId: randomUUID() };
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FailedEntryCount: refused.size, Entries: results }));
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.startsWith(SECRETS_MANAGER_PREFIX)) {
      const answer = secretsManager(endpoint, target.slice(SECRETS_MANAGER_PREFIX.length), JSON.parse(body) as SecretsRequest);
      response.writeHead(answer.error ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer.error ? { __type: answer.error, message: answer.message ?? answer.error } : answer.body));
      return;
    }
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnknownOperationException' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return endpoint;
}
