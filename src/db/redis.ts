/**
 * Redis connections. BullMQ wants its own connections with
 * `maxRetriesPerRequest: null` (it blocks on them); everything else uses a
 * general client that fails fast instead of queueing commands while Redis
 * is down, so readiness answers promptly.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

export function createRedis(url: string, options: RedisOptions = {}, logger?: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // Keep retrying in the background; commands fail fast meanwhile.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
  // Without a listener ioredis prints every reconnect failure to stderr.
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger?.warn({ err: err.message }, 'redis connection error');
  });
  return redis;
}

/** Connection options for BullMQ's Queue/Worker/QueueEvents. */
export function bullConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

export type { Redis };
