/**
 * Per-file isolation: a database cloned from the run's migrated template and
 * a Redis key prefix of its own. Call `isolate()` at the top of a test file;
 * its `close()` drops the database and deletes the prefix's keys.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.ts';
import { createPrisma, type PrismaClient } from '../../src/db/client.ts';
import { cloneDatabase, dropDatabase } from './pg.ts';

export interface Isolated {
  config: Config;
  databaseName: string;
  close(): Promise<void>;
}

export async function isolate(overrides: Record<string, string> = {}): Promise<Isolated> {
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `cp_test_${inject('runId')}_${suffix}`;
  const databaseUrl = await cloneDatabase(inject('templateDatabase'), databaseName);
  const redisPrefix = `cp-test-${inject('runId')}-${suffix}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    CLOUDPLANE_REDIS_PREFIX: redisPrefix,
    CLOUDPLANE_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  return {
    config,
    databaseName,
    async close() {
      await dropDatabase(databaseName);
      await deleteKeys(config.redisUrl, `${redisPrefix}:*`);
    },
  };
}

async function deleteKeys(url: string, pattern: string) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis being down is a test's subject sometimes; leftover keys are harmless then.
  } finally {
    redis.disconnect();
  }
}

/**
 * For a file that needs only its database: isolates it and opens a Prisma client on it before the
 * file's tests (and its own beforeAll hooks, registered after this call), closes both after them.
 */
export function isolatedPrisma(poolSize = 2): { readonly iso: Isolated; readonly prisma: PrismaClient } {
  const db = {} as { iso: Isolated; prisma: PrismaClient };
  beforeAll(async () => {
    db.iso = await isolate();
    db.prisma = createPrisma({ databaseUrl: db.iso.config.databaseUrl, poolSize });
  });
  afterAll(async () => {
    await db.prisma?.$disconnect();
    await db.iso?.close();
  });
  return db;
}
