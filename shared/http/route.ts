import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { Logger } from '#adapters/logger';
import type { SyncDeps } from '#use-cases/engine/deps';
import type { Caller, RouteAccess } from './auth';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What every route handler may use: the ports, the logger, and where the admin console is. */
export interface ApiServices {
  deps: SyncDeps;
  logger: Logger;
  /** The admin console's origin (no trailing slash), where a browser is sent back after Sage Intacct's sign-in; null: none. */
  consoleUrl: string | null;
}

interface RouteRequest<Params, Query, Body> extends ApiServices {
  /** The caller's tenant: every read and write is scoped to it (empty on public routes). */
  tenantId: string;
  /** Null only on public routes. */
  caller: Caller | null;
  params: Params;
  query: Query;
  body: Body;
  event: APIGatewayProxyEventV2;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
  /** Extra headers (`Location` of a redirect). */
  headers?: Record<string, string>;
}

/** One route of the API: drives the router, the validation and the OpenAPI document. */
export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: HttpMethod;
  /** A path template, `{name}` for a parameter. */
  path: string;
  access: RouteAccess;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The body may be left out entirely (then it reads as `{}`). */
  bodyOptional?: boolean;
  /** The success answer; `schema` absent means no body. */
  success: { status: number; description: string; schema?: z.ZodType };
  /** Error statuses the use case may answer beyond those the route's shape implies (401, 403, 400, 404). */
  errors?: number[];
  handle(request: RouteRequest<z.output<P>, z.output<Q>, z.output<B>>): Promise<RouteAnswer>;
}

/** A route with its types erased, as the table holds it. */
export type ApiRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType>;

/** Declares a route, typing its handler from its schemas. */
export function defineRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
>(definition: RouteDefinition<P, Q, B>): ApiRoute {
  return definition as unknown as ApiRoute;
}
