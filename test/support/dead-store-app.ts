/**
 * The real app over a PostgreSQL that does not answer (a closed port), with the test's Redis:
 * every authenticated request reaches the database first, so each answers as a store outage does.
 */
import { createPrisma } from '../../src/db/client.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import { startTestServices } from './app-services.ts';
import type { Isolated } from './context.ts';
import { freePort } from './private-stores.ts';

export async function startDeadStoreApp(iso: Isolated) {
  const prisma = createPrisma({ databaseUrl: `postgresql://postgres@127.0.0.1:${await freePort()}/gone`, poolSize: 1 });
  const logger = createLogger('silent');
  const { metrics, services, close } = await startTestServices(iso, prisma, logger);
  const app = await buildApp({
    logger,
    bodyLimitBytes: iso.config.bodyLimitBytes,
    prisma,
    services,
    fingerprintKey: services.fingerprintKey,
    metrics,
    readiness: { postgres: () => prisma.$queryRaw`SELECT 1` },
  });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await close();
      await prisma.$disconnect();
    },
  };
}

export type DeadStoreApp = Awaited<ReturnType<typeof startDeadStoreApp>>;
