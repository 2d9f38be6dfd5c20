// Writes openapi/openapi.json from the routes' zod schemas (`npm run openapi`).
import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument, serializeOpenApi } from '../src/server/openapi-document.ts';

const target = new URL('./openapi.json', import.meta.url);
await writeFile(target, serializeOpenApi(await buildOpenApiDocument()));
process.stdout.write(`wrote ${target.pathname}\n`);
