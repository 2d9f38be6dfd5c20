import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, serializeOpenApi } from '../../src/server/openapi-document.ts';

describe('OpenAPI document', () => {
  it('matches the committed openapi/openapi.json (run `npm run openapi` after changing routes)', async () => {
    const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
    expect(serializeOpenApi(await buildOpenApiDocument())).toBe(committed);
  });

  it('is OpenAPI 3.1 with bearer security and documents every /v1 route', async () => {
    const doc = (await buildOpenApiDocument()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: unknown };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toHaveProperty('apiKey');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/api-keys', '/v1/api-keys/{id}', '/healthz', '/readyz']),
    );
  });
});
