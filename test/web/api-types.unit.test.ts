/** The console's API types are generated from the API's OpenAPI document, and the checked-in file never drifts from it. */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../web/scripts/api-types';

it("web/src/api/schema.d.ts is what `npm run generate:api` makes of today's OpenAPI document", async () => {
  const checkedIn = await readFile(API_TYPES_FILE, 'utf8');

  expect(checkedIn === (await generateApiTypes()), 'The API changed: run `npm run generate:api` and commit web/src/api/schema.d.ts').toBe(true);
});
