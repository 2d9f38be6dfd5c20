/**
 * The Fastify app factory. It wires plugins and routes to the dependencies it
 * is given and never listens: main.ts listens, tests use app.inject or
 * listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { healthRoutes, type ReadinessCheck } from '../api/health.ts';
import { apiKeyRoutes } from '../api/api-keys.ts';
import { accountRoutes } from '../api/accounts.ts';
import { instanceRoutes } from '../api/instances.ts';
import { networkRoutes } from '../api/networks.ts';
import { providerRoutes } from '../api/providers.ts';
import { templateRoutes } from '../api/templates.ts';
import { taskRoutes } from '../api/tasks.ts';
import { operationRoutes } from '../api/operations.ts';
import { usageRoutes } from '../api/usage.ts';
import { platformJobRoutes } from '../api/platform-jobs.ts';
import { auditRoutes } from '../api/audit.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { idempotencyPlugin } from './idempotency.ts';
import { inputGuardPlugin } from './input-guard.ts';
import type { StoreHealth } from '../db/store-health.ts';
import type { Services } from './services.ts';
import { authPlugin } from './auth.ts';
import { auditContextPlugin } from './audit-context.ts';
import { metricsPlugin, createMetricsRegistry } from './metrics.ts';
import { openapiPlugin } from './openapi.ts';
import { problemsPlugin } from './problems.ts';

export interface AppDeps {
  logger: Logger;
  bodyLimitBytes: number;
  prisma: PrismaClient;
  services: Services;
  /** Keys the fingerprints of idempotent requests (derived from CLOUDPLANE_SECRET_KEY). */
  fingerprintKey: Buffer;
  readiness: Record<string, ReadinessCheck>;
  /** Store outages are logged on their state changes only. */
  health?: StoreHealth;
  metrics?: Registry;
  version?: string;
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Accept a caller's request id only when it is short and plain; otherwise mint one. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes,
    requestIdHeader: false,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes and scrapes arrive every few seconds; their access lines would drown the rest.
      disableRequestLogging: (req: { url?: string }) => QUIET_PATHS.has((req.url ?? '').split('?')[0]!),
    }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', String(req.id));
  });

  await app.register(problemsPlugin, deps.health ? { health: deps.health } : {});
  await app.register(metricsPlugin, { registry: deps.metrics ?? createMetricsRegistry() });
  await app.register(openapiPlugin, { version: deps.version ?? '0.1.0' });
  const s = deps.services;
  await app.register(authPlugin, { authenticator: s.apiKeys });
  await app.register(auditContextPlugin, { audit: s.audit });
  await app.register(idempotencyPlugin, { prisma: deps.prisma, fingerprintKey: deps.fingerprintKey });
  await app.register(inputGuardPlugin);

  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(apiKeyRoutes, { apiKeys: s.apiKeys });
  await app.register(providerRoutes);
  await app.register(accountRoutes, { accounts: s.accounts });
  await app.register(templateRoutes, { templates: s.templates });
  await app.register(instanceRoutes, { instances: s.instances });
  await app.register(networkRoutes, { providers: s.providers });
  await app.register(taskRoutes, { tasks: s.tasks, waker: s.waker });
  await app.register(operationRoutes, { providers: s.providers });
  await app.register(usageRoutes, { usage: s.usage });
  await app.register(platformJobRoutes, { providers: s.providers });
  await app.register(auditRoutes, { audit: s.audit });

  return app;
}
