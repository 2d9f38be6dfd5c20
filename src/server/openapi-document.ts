/**
 * Builds the OpenAPI document without any live dependency, for
 * `npm run openapi` and the freshness test. No handler runs, so the
 * dependencies are inert stand-ins that fail if ever called.
 */
import { createLogger } from '../logger.ts';
import { buildApp } from './app.ts';

const inert = new Proxy(
  {},
  {
    get: (_t, prop) => () => {
      throw new Error(`openapi generation must not call ${String(prop)}`);
    },
  },
);

export async function buildOpenApiDocument(): Promise<unknown> {
  const app = await buildApp({
    logger: createLogger('silent'),
    bodyLimitBytes: 1_048_576,
    prisma: inert as never,
    services: inert as never,
    fingerprintKey: Buffer.alloc(32),
    readiness: {},
  });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  return doc;
}

export const serializeOpenApi = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
