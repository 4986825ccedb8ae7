/**
 * The console's API types, generated from the API's own OpenAPI document (the one `GET
 * /openapi.json` serves) with openapi-typescript. `npm run generate:api` writes them to
 * web/src/api/schema.d.ts; a test regenerates them and fails when the checked-in file drifts.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { buildOpenApiDocument } from '#http/openapi';
import { API_ROUTES } from '#http/routes/index';

export const API_TYPES_FILE = new URL('../src/api/schema.d.ts', import.meta.url);

const HEADER = "/**\n * Generated from the API's OpenAPI document by `npm run generate:api`: do not edit by hand.\n */\n\n";

/** The text schema.d.ts must hold for today's API. */
export async function generateApiTypes(): Promise<string> {
  const document = JSON.parse(JSON.stringify(buildOpenApiDocument(API_ROUTES))) as Parameters<typeof openapiTS>[0];
  const ast = await openapiTS(document, { alphabetize: true });
  return HEADER + astToString(ast);
}
