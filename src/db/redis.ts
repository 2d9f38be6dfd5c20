/**
 * Redis connections. BullMQ wants its own connections with
 * `maxRetriesPerRequest: null` (it blocks on them); everything else uses a
 * general client that fails fast instead of queueing commands while Redis
 * is down, so readiness answers promptly.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

/** Reconnect backoff: quick first tries, then every `maxMs` at most, for as long as Redis is away. */
export const reconnectBackoff = (maxMs: number) => (times: number) => Math.min(100 * 2 ** Math.min(times, 10), maxMs);

/**
 * @param onError where connection errors go; by default a warning at most every 10 s. The store
 *   health (src/db/store-health.ts) takes them in the service, so an outage is one line.
 */
export function createRedis(
  url: string,
  options: RedisOptions = {},
  logger?: Logger,
  onError?: (err: Error) => void,
): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // Keep retrying in the background; commands fail fast meanwhile.
    retryStrategy: reconnectBackoff(2_000),
    ...options,
  });
  // Without a listener ioredis prints every reconnect failure to stderr.
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    if (onError) return onError(err);
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger?.warn({ err: err.message }, 'redis connection error');
  });
  return redis;
}

/**
 * Connection options for BullMQ's Queue/Worker/QueueEvents. BullMQ's own reconnect backoff grows
 * to 20 s; ours stops at `reconnectMaxMs`, so a worker is back within that bound of Redis being back.
 */
export function bullConnection(url: string, reconnectMaxMs = 2_000): ConnectionOptions {
  return { url, maxRetriesPerRequest: null, retryStrategy: reconnectBackoff(reconnectMaxMs) };
}

export type { Redis };

/**
 * A Lua script of ours as a command of `redis`, sent by its hash (EVALSHA; ioredis sends the text
 * once per connection when Redis does not know it yet). The scripts that run once per platform call
 * or per request pay for their text on the wire otherwise. Defining it twice on one client is a no-op.
 */
export function redisScript<Args extends (string | number)[], Result>(
  redis: Redis,
  name: string,
  numberOfKeys: number,
  lua: string,
): (...keysThenArgs: Args) => Promise<Result> {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, (...a: Args) => Promise<Result>>)[name]!;
  return command.bind(redis);
}
