/** `npm run generate:api`: rewrites web/src/api/schema.d.ts from the API's OpenAPI document. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { API_TYPES_FILE, generateApiTypes } from './api-types';

await writeFile(API_TYPES_FILE, await generateApiTypes());
process.stdout.write(`wrote ${fileURLToPath(API_TYPES_FILE)}\n`);
