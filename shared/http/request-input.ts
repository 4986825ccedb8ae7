import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ZodError, type z } from 'zod';
import { HttpError } from './http-error';
import type { ApiRoute } from './route';

/**
 * The JSON body of a request. Malformed JSON is 400 `invalid_json`; an absent body is `{}` where
 * the route allows it and otherwise left to the schema to refuse.
 */
function readJsonBody(event: APIGatewayProxyEventV2, route: ApiRoute): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (raw.trim() === '') return route.bodyOptional ? {} : undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.', [{ field: 'body', message: 'is not valid JSON' }]);
  }
}

export interface RouteInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Path, query and body of a request, validated by the route's schemas. Every problem of all
 * three is reported at once, as one ZodError.
 */
export function parseInput(event: APIGatewayProxyEventV2, route: ApiRoute): RouteInput {
  const parse = (schema: z.ZodType | undefined, value: () => unknown, absent: unknown) =>
    schema ? schema.safeParse(value()) : { success: true as const, data: absent };
  const params = parse(route.params, () => event.pathParameters ?? {}, {});
  const query = parse(route.query, () => event.queryStringParameters ?? {}, {});
  const body = parse(route.body, () => readJsonBody(event, route), undefined);
  const issues = [params, query, body].flatMap((result) => (result.success ? [] : result.error.issues));
  if (issues.length > 0) throw new ZodError(issues);
  return { params: params.data, query: query.data, body: body.data };
}
