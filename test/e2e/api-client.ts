import type { TestRuntime } from '../support/local-runtime';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  text: string;
}

/** Calls the local runtime's HTTP API the way the PSA frontend does: JSON over real HTTP. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : (undefined as T), text };
  }

  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.call<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.call<T>('PATCH', path, body);
  put = <T = any>(path: string, body: unknown) => this.call<T>('PUT', path, body);
  delete = <T = any>(path: string) => this.call<T>('DELETE', path);

  /** Waits until a run has finished and answers it. */
  async finishedRun(runId: string, timeoutMs = 30_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.get(`/sync-runs/${runId}`);
      if (body && !['queued', 'running'].includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${body?.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Admin and collaborator clients for tenant `index` of the runtime. */
export function clientsFor(runtime: TestRuntime, index = 0): { admin: ApiClient; collaborator: ApiClient; anonymous: ApiClient } {
  const tenant = runtime.info.tenants[index]!;
  return {
    admin: new ApiClient(runtime.info.apiUrl, tenant.adminToken),
    collaborator: new ApiClient(runtime.info.apiUrl, tenant.collaboratorToken),
    anonymous: new ApiClient(runtime.info.apiUrl, null),
  };
}
