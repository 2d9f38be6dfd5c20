import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { clientTypes } from '../../openapi/client-types.ts';
import { buildOpenApiDocument, serializeOpenApi } from '../../src/server/openapi-document.ts';

type Json = Record<string, any>;
const doc = (await buildOpenApiDocument()) as Json;
const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method, op: op as Json })),
);
const v1 = operations.filter((o) => o.path.startsWith('/v1'));
const resolve = (node: Json): Json =>
  node.$ref ? resolve(doc.components.responses[String(node.$ref).split('/').pop()!]) : node;

describe('OpenAPI document', () => {
  it('matches the committed openapi/openapi.json (run `npm run openapi` after changing routes)', async () => {
    const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
    expect(serializeOpenApi(doc)).toBe(committed);
  });

  it('matches the committed client types (openapi/client-check/api.d.ts, from `npm run openapi`)', async () => {
    const committed = await readFile(new URL('../../openapi/client-check/api.d.ts', import.meta.url), 'utf8');
    expect(await clientTypes(doc)).toBe(committed);
  });

  it('is OpenAPI 3.1 with bearer security, servers, and documents every /v1 route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toHaveProperty('apiKey');
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/api-keys', '/v1/api-keys/{id}', '/healthz', '/readyz']),
    );
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names every resource as a component schema and refers to it instead of inlining it', () => {
    for (const name of ['Account', 'Template', 'Instance', 'Task', 'TaskItem', 'Vpc', 'Subnet', 'SecurityGroup']) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    const get = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;
    expect(get('/v1/instances/{id}')).toEqual({ $ref: '#/components/schemas/Instance' });
    expect(get('/v1/tasks/{id}')).toEqual({ $ref: '#/components/schemas/Task' });
  });

  it('lists 401, 429 and 503 problems on every /v1 operation, with Retry-After where a retry is asked for', () => {
    for (const { path, method, op } of v1) {
      for (const status of ['401', '429', '503']) {
        const response = resolve(op.responses[status] ?? {});
        expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
      expect(resolve(op.responses['429']).headers).toHaveProperty('Retry-After');
      expect(resolve(op.responses['401']).headers).toHaveProperty('WWW-Authenticate');
    }
  });

  it('declares Idempotency-Key on the creating POSTs that honour it, and nowhere else', () => {
    const withKey = operations
      .filter((o) => (o.op.parameters ?? []).some((p: Json) => p.$ref === '#/components/parameters/IdempotencyKey'))
      .map((o) => o.op.operationId)
      .sort();
    expect(withKey).toEqual(
      [
        'createAccount',
        'createInstance',
        'createSecurityGroup',
        'createSubnet',
        'createTemplate',
        'createVpc',
        'expandTemplate',
        'shrinkTemplate',
      ].sort(),
    );
    const expand = doc.paths['/v1/templates/{id}/expand'].post;
    expect(Object.keys(expand.responses['202'].headers)).toEqual(
      expect.arrayContaining(['Location', 'Retry-After', 'Idempotent-Replayed']),
    );
    expect(
      resolve(expand.responses['409']).content['application/problem+json'].schema.allOf[1].properties.type.enum,
    ).toContain('/problems/idempotency-key-in-use');
  });

  it('documents the event stream as text/event-stream and the gateway-specific headers', () => {
    const events = doc.paths['/v1/tasks/{id}/events'].get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    expect(doc.paths['/v1/instances'].get.responses['200'].headers).toHaveProperty('Cloudplane-Stale-Accounts');
    expect(doc.paths['/v1/templates/{id}'].delete.responses['204'].headers).toHaveProperty(
      'Cloudplane-Platform-Group-Kept',
    );
  });
});
