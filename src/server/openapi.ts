/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas, served
 * at /openapi.json and rendered at /docs. `npm run openapi` writes the same
 * document to openapi/openapi.json (a test fails when that file is stale).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

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
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Cloudplane API key' } },
        },
        security: [{ apiKey: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
