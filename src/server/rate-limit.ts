/**
 * Per-API-key request limits, shared by every API replica through Redis
 * (@fastify/rate-limit with one counter per key and window in Redis; the
 * requests of a key that arrive together are counted together:
 * rate-limit-store.ts).
 *
 * - Keyed by the API key's id once auth has run (this hook is registered
 *   after auth's), by the client IP for requests without a key (docs, the
 *   OpenAPI document, unknown routes). Health, readiness and metrics are exempt.
 * - Every limited answer carries `RateLimit-Policy` and `RateLimit` (the IETF
 *   httpapi-ratelimit-headers draft, structured-field form of draft 8 on);
 *   a refused one is 429 `/problems/rate-limited` with `Retry-After`.
 * - The limit must never cost availability: when Redis is not connected, or
 *   does not answer within STORE_DEADLINE_MS, the request goes through
 *   unchecked and `cloudplane_rate_limit_skipped_total` counts it.
 * See docs/operations.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { ApiError } from '../domain/errors.ts';
import { coalescingRedisStore } from './rate-limit-store.ts';
import type { OpsMetrics } from './metrics.ts';

export interface RateLimitOptions {
  /** The process's general Redis client. */
  redis: Redis;
  /** The deployment's Redis prefix; the counters live under `<prefix>:rate-limit:`. */
  prefix: string;
  /** Requests per window for a key without an exception. */
  max: number;
  windowMs: number;
  /** Exceptions by API key id. */
  perKey: Record<string, number>;
  metrics: OpsMetrics;
}

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
/** A limiter slower than this is a Redis in trouble: the request is served rather than held. */
const STORE_DEADLINE_MS = 250;
/** The policy's name in the headers. */
const POLICY = '"per-key"';

const keyOf = (req: FastifyRequest) => (req.principal ? `key:${req.principal.keyId}` : `ip:${req.ip}`);

function withinDeadline<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), STORE_DEADLINE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app: FastifyInstance, o) => {
    const windowSeconds = Math.max(1, Math.round(o.windowMs / 1000));
    await app.register(fastifyRateLimit, {
      // No route hooks of its own: the hook below calls the limiter, so it runs after auth and can skip.
      global: false,
      store: coalescingRedisStore(o.redis, `${o.prefix}:rate-limit:`, o.windowMs),
      timeWindow: o.windowMs,
      max: (req) => (req.principal ? o.perKey[req.principal.keyId.toLowerCase()] : undefined) ?? o.max,
      keyGenerator: keyOf,
      skipOnError: true,
    });
    const limit = app.createRateLimit();

    app.addHook('onRequest', async (req, reply) => {
      if (EXEMPT.has(req.routeOptions.url ?? req.url.split('?')[0]!)) return;
      // A disconnected client would queue the command until Redis is back: do not wait for it.
      const result = o.redis.status === 'ready' ? await withinDeadline(limit(req)) : undefined;
      if (result?.isAllowed) return;
      // On a store error the limiter answers as if nothing was counted (remaining = max).
      if (!result || result.remaining === result.max) {
        o.metrics.rateLimitSkipped.inc();
        return;
      }
      const headers = {
        'ratelimit-policy': `${POLICY};q=${result.max};w=${windowSeconds}`,
        ratelimit: `${POLICY};r=${result.remaining};t=${result.ttlInSeconds}`,
      };
      reply.headers(headers);
      if (!result.isExceeded) return;
      o.metrics.rateLimited.inc({ keyed_by: req.principal ? 'api_key' : 'ip' });
      throw new ApiError(
        'rate-limited',
        `${req.principal ? 'this API key' : 'this client'} made more than ${result.max} requests in ${windowSeconds} s; retry after ${result.ttlInSeconds} s`,
        { limit: result.max, windowSeconds },
        { headers: { ...headers, 'retry-after': String(result.ttlInSeconds) } },
      );
    });
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
