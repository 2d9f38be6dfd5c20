/**
 * Per-API-key request limits, shared by every API replica through Redis
 * (one counter per key and fixed window in Redis; the requests of a key that
 * arrive together are counted together: request-counts.ts).
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
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { ApiError } from '../domain/errors.ts';
import { createRequestCounts } from './request-counts.ts';
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

export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app: FastifyInstance, o) => {
    const windowSeconds = Math.max(1, Math.round(o.windowMs / 1000));
    const counts = createRequestCounts(o.redis, `${o.prefix}:rate-limit:`, o.windowMs, STORE_DEADLINE_MS);
    const maxOf = (req: FastifyRequest) =>
      (req.principal ? o.perKey[req.principal.keyId.toLowerCase()] : undefined) ?? o.max;

    // Registered after auth's hook, so a request is counted under its key.
    app.addHook('onRequest', async (req, reply) => {
      if (EXEMPT.has(req.routeOptions.url ?? req.url.split('?')[0]!)) return;
      const max = maxOf(req);
      // A key given 0 in CLOUDPLANE_RATE_LIMIT_KEYS has no limit, as 0 for everyone turns the limit off.
      if (max === 0) return;
      // A disconnected client would queue the command until Redis is back: do not wait for it.
      const counted = o.redis.status === 'ready' ? await counts.count(keyOf(req)) : undefined;
      if (!counted) {
        o.metrics.rateLimitSkipped.inc();
        return;
      }
      const ttlSeconds = Math.ceil(counted.ttlMs / 1000);
      const headers = {
        'ratelimit-policy': `${POLICY};q=${max};w=${windowSeconds}`,
        ratelimit: `${POLICY};r=${Math.max(0, max - counted.current)};t=${ttlSeconds}`,
      };
      reply.headers(headers);
      if (counted.current <= max) return;
      o.metrics.rateLimited.inc({ keyed_by: req.principal ? 'api_key' : 'ip' });
      throw new ApiError(
        'rate-limited',
        `${req.principal ? 'this API key' : 'this client'} made more than ${max} requests in ${windowSeconds} s; retry after ${ttlSeconds} s`,
        { limit: max, windowSeconds },
        { headers: { ...headers, 'retry-after': String(ttlSeconds) } },
      );
    });
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
