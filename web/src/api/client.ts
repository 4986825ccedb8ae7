/**
 * The typed API client: openapi-fetch over the types generated from the API's own OpenAPI
 * document, with the signed-in user's bearer token on every request. Failures become ApiError,
 * whose message is the API's own sentence for people (never raw JSON).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { createContext, useContext } from 'react';
import type { components, paths } from './schema';

export type Api = ReturnType<typeof createClient<paths>>;
type Schemas = components['schemas'];
export type Client = Schemas['Client'];
export type User = Schemas['User'];
export type Run = Schemas['Run'];
export type RunRecord = Schemas['RunRecord'];
export type CustomerChoice = Schemas['CustomerChoice'];
export type EmployeeChoice = Schemas['EmployeeChoice'];
export type IntacctConnection = Schemas['IntacctConnection'];
export type PermissionProfile = Schemas['PermissionProfile'];

/** A request the API refused or could not answer; `message` is fit to show a person. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: { field?: string; message?: string }[] = [],
  ) {
    super(message);
  }
}

const UNREACHABLE = 'The service could not be reached. Check your connection and try again.';

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/** The API's `{ error: { code, message } }`, or a plain sentence when the answer is not one. */
function apiErrorOf(status: number, body: unknown): ApiError {
  const error = (body as ErrorBody | undefined)?.error;
  if (error && typeof error.message === 'string' && error.message.trim() !== '') {
    const details = Array.isArray(error.details) ? (error.details as ApiError['details']) : [];
    return new ApiError(error.message, status, typeof error.code === 'string' ? error.code : 'error', details);
  }
  if (status === 401) return new ApiError('Your session has ended. Sign in again.', status, 'unauthorized');
  if (status === 403) return new ApiError('You do not have permission to do that.', status, 'forbidden');
  if (status >= 500) return new ApiError('The service had a problem answering. Try again in a moment.', status, 'server_error');
  return new ApiError(`The request was refused (HTTP ${status}).`, status, 'error');
}

/**
 * The data of an openapi-fetch answer, or its ApiError. Network failures (fetch rejecting)
 * become ApiError too, so pages have one kind of failure to show.
 */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch {
    throw new ApiError(UNREACHABLE, 0, 'unreachable');
  }
  if (answer.response.ok) return answer.data as T;
  throw apiErrorOf(answer.response.status, answer.error);
}

/** A client of the API at `baseUrl` sending `token()` as the bearer; `onUnauthorized` hears of every 401. */
export function createApi(baseUrl: string, token: () => string | null, onUnauthorized: () => void): Api {
  const api = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const bearer = token();
      if (bearer) request.headers.set('Authorization', `Bearer ${bearer}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
  api.use(auth);
  return api;
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
