/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas and their
 * `schema.contract` (server/openapi-contract.ts), served at /openapi.json
 * and rendered at /docs. `npm run openapi` writes the same document to
 * openapi/openapi.json (a test fails when that file is stale); see docs/api.md.
 */
import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { tidySchemas } from './openapi-components.ts';
import { completeOperation, factsMember, routeFacts, SHARED_COMPONENTS } from './openapi-contract.ts';
// Registers the Problem schema the completed operations refer to.
import './problems.ts';

const TAGS = [
  ['accounts', 'Provider accounts: a platform endpoint and its (write-only) credentials'],
  ['catalog', "An account's regions, zones, instance types and images"],
  ['templates', 'Saved machine specs; each is also the group that expand and shrink act on'],
  ['instances', 'Machines on every account, from the records, operated on their platforms'],
  ['networks', 'VPCs, subnets and security groups, and platform jobs that re-read them'],
  ['tasks', 'Expand and shrink tasks: poll, list their machines, or follow them as Server-Sent Events'],
  ['operations', "A platform's documented operations beyond the unified model"],
  ['providers', 'The platform kinds this gateway speaks to and what each can do'],
  ['usage', 'Machine-hours per day'],
  ['api-keys', 'API keys and their scopes'],
  ['audit', 'Who changed what, when and why'],
  ['health', 'Liveness and readiness'],
] as const;

const transform: SwaggerTransform = (input) => {
  const { schema, url } = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const { contract: _contract, ...rest } = (schema ?? {}) as Record<string, unknown>;
  if (rest.hide) return { schema: rest, url };
  return { schema: { ...rest, ...factsMember(routeFacts(input.route as RouteOptions)) }, url };
};

const transformObject: SwaggerTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input as Parameters<typeof jsonSchemaTransformObject>[0]) as Record<
    string,
    unknown
  >;
  const responses = new Map<string, Record<string, unknown>>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const operation of Object.values(item)) {
      completeOperation(operation as Record<string, unknown>, path, responses);
    }
  }
  const components = {
    ...(doc.components as Record<string, unknown>),
    ...SHARED_COMPONENTS,
    responses: Object.fromEntries([...responses].sort(([a], [b]) => a.localeCompare(b))),
  };
  return tidySchemas({ ...doc, components }) as ReturnType<SwaggerTransformObject>;
};

export const openapiPlugin = fp(
  async (app: FastifyInstance, { version }: { version: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Cloudplane API',
          version,
          description:
            'One REST API over many cloud platforms. Errors are RFC 9457 problem+json; lists use opaque cursors; creating POSTs accept Idempotency-Key.',
        },
        servers: [{ url: '/', description: 'The gateway serving this document (a local `npm start`: port 8080)' }],
        tags: TAGS.map(([name, description]) => ({ name, description })),
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Cloudplane API key' } },
        },
        security: [{ apiKey: [] }],
      },
      transform,
      transformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
