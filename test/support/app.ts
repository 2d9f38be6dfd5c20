import { Writable } from 'node:stream';
/** Builds the real app on an isolated database and Redis prefix, with keys of each scope. */
import { createPrisma } from '../../src/db/client.ts';
import { createRedis } from '../../src/db/redis.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import { startTestServices } from './app-services.ts';
import type { Isolated } from './context.ts';

export interface TestAppOptions {
  redisUrl?: string;
  captureLogs?: string[];
  metricsToken?: string;
  /** Per-key request limits; `redisUrl` points the limiter at another Redis (a dead one, say). */
  rateLimit?: { max: number; windowMs: number; perKey?: Record<string, number>; redisUrl?: string };
}

export async function startTestApp(iso: Isolated, options: TestAppOptions = {}) {
  const prisma = createPrisma({ databaseUrl: iso.config.databaseUrl, poolSize: 4 });
  const redis = createRedis(options.redisUrl ?? iso.config.redisUrl);
  await redis.connect().catch(() => undefined);
  const capture = options.captureLogs;
  const logger = capture
    ? createLogger(
        'trace',
        new Writable({ write: (chunk: Buffer, _e, done) => (capture.push(chunk.toString()), done()) }),
      )
    : createLogger('silent');
  const stores = await startTestServices(iso, prisma, logger);
  const { metrics, general, queue, services } = stores;
  const limiterRedis = options.rateLimit?.redisUrl ? createRedis(options.rateLimit.redisUrl) : general;
  if (limiterRedis !== general) void limiterRedis.connect().catch(() => undefined);
  const apiKeys = services.apiKeys;
  const app = await buildApp({
    logger,
    bodyLimitBytes: iso.config.bodyLimitBytes,
    prisma,
    services,
    fingerprintKey: services.fingerprintKey,
    metrics,
    metricsToken: options.metricsToken,
    rateLimit: options.rateLimit && {
      max: options.rateLimit.max,
      windowMs: options.rateLimit.windowMs,
      perKey: options.rateLimit.perKey ?? {},
      redis: limiterRedis,
      prefix: iso.config.redisPrefix,
    },
    readiness: { postgres: () => prisma.$queryRaw`SELECT 1`, redis: () => redis.ping() },
  });
  await app.ready();
  const keys = {
    admin: (await apiKeys.create('test-admin', ['admin'])).key,
    write: (await apiKeys.create('test-write', ['write'])).key,
    read: (await apiKeys.create('test-read', ['read'])).key,
  };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  /** One API call as the admin key, with the JSON body parsed. */
  async function call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await app.inject({
      method,
      url,
      payload: payload as never,
      headers: { ...auth(keys.admin), ...headers },
    });
    return {
      status: res.statusCode,
      body: (res.body ? JSON.parse(res.body) : null) as Record<string, any>,
      headers: res.headers,
      raw: res.body,
    };
  }
  return {
    app,
    prisma,
    redis,
    apiKeys,
    services,
    metrics,
    queue,
    logger,
    keys,
    auth,
    call,
    async close() {
      await app.close();
      await stores.close();
      if (limiterRedis !== general) limiterRedis.disconnect();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
