// Writes openapi/openapi.json from the routes' zod schemas, and the client types made of it (`npm run openapi`).
import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument, serializeOpenApi } from '../src/server/openapi-document.ts';
import { clientTypes } from './client-types.ts';

const doc = await buildOpenApiDocument();
const targets: [URL, string][] = [
  [new URL('./openapi.json', import.meta.url), serializeOpenApi(doc)],
  [new URL('./client-check/api.d.ts', import.meta.url), await clientTypes(doc)],
];
for (const [target, text] of targets) {
  await writeFile(target, text);
  process.stdout.write(`wrote ${target.pathname}\n`);
}
