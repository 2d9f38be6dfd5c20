/** Builds the real app on an isolated database and Redis prefix, with keys of each scope. */
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { createPrisma } from '../../src/db/client.ts';
import { createRedis } from '../../src/db/redis.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import type { Isolated } from './context.ts';

export async function startTestApp(iso: Isolated, options: { redisUrl?: string } = {}) {
  const prisma = createPrisma({ databaseUrl: iso.config.databaseUrl, poolSize: 4 });
  const redis = createRedis(options.redisUrl ?? iso.config.redisUrl);
  await redis.connect().catch(() => undefined);
  const apiKeys = createApiKeyRepository(prisma);
  const app = await buildApp({
    logger: createLogger('silent'),
    bodyLimitBytes: iso.config.bodyLimitBytes,
    apiKeys,
    readiness: { postgres: () => prisma.$queryRaw`SELECT 1`, redis: () => redis.ping() },
  });
  await app.ready();
  const keys = {
    admin: (await apiKeys.create('test-admin', ['admin'])).key,
    write: (await apiKeys.create('test-write', ['write'])).key,
    read: (await apiKeys.create('test-read', ['read'])).key,
  };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  return {
    app,
    prisma,
    redis,
    apiKeys,
    keys,
    auth,
    async close() {
      await app.close();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
