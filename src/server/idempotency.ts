/**
 * Idempotency-Key on creating POSTs (IETF httpapi-idempotency-key draft).
 * The first request with a key claims it in Postgres (a unique row per API
 * key and idempotency key) before its handler runs; its answer is stored
 * when it is sent. Then:
 *   same key, same request  → the stored answer again (header Idempotent-Replayed: true)
 *   same key, other request → 422
 *   same key while the first is still running → 409
 * A refused (4xx) or 503 answer releases the key; other answers are kept
 * (see `releases`). A claim whose process died is taken over after
 * IN_FLIGHT_STALE_MS.
 *
 * A handler that acts on a platform first records its progress with the key
 * (`req.idempotency.remember`, e.g. a single create's marker). A retry of an
 * attempt that recorded progress and then ended in a 5xx (a lost answer) or
 * died is not replayed: the handler runs again with that progress
 * (`req.idempotency.prior`) and reconciles what the platform did, instead of
 * acting twice. Such a record is never released by its answer.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { ApiError } from '../domain/errors.ts';
import { isUniqueViolation } from '../db/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route creates something and honours Idempotency-Key. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyRecordId: string | null;
    /** Set on an idempotent route called with an Idempotency-Key; null otherwise. */
    idempotency: IdempotencyHandle | null;
  }
}

/** What a handler sees of its Idempotency-Key. */
export interface IdempotencyHandle {
  /** What an earlier attempt under this key recorded before it acted; null on a first attempt. */
  prior: unknown;
  /** Records progress before acting on a platform, kept with the key so a retry can reconcile. */
  remember(progress: unknown): Promise<void>;
}

/** An earlier attempt that recorded progress and whose answer may hide a platform's action. */
const unsettled = (r: { progress: unknown; state: string; responseStatus: number | null }) =>
  r.progress !== null && (r.state !== 'completed' || (r.responseStatus ?? 500) >= 500);

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Which answers free the key for another try. A refused request (4xx) changed nothing, and a 503 means
 * nothing was done (a dependency or the platform's rate limit): the client may fix and resend under
 * the same key. Every other answer is kept — a 502/504 or a 500 may come after the platform acted,
 * and a retry must not act twice.
 */
const releases = (status: number) => (status >= 400 && status < 500) || status === 503;
const RETAIN_MS = 24 * 3_600_000;
const IN_FLIGHT_STALE_MS = 5 * 60_000;
/** Response headers worth replaying; others (dates, request ids) belong to the new exchange. */
const REPLAYED_HEADERS = ['content-type', 'location', 'retry-after'];

/** Keyed, so the stored fingerprint of a body holding credentials cannot be brute-forced offline. */
function fingerprint(req: FastifyRequest, key: Buffer): string {
  return createHmac('sha256', key)
    .update(req.method)
    .update('\n')
    .update(req.url)
    .update('\n')
    .update(JSON.stringify(req.body ?? null))
    .digest('hex');
}

async function replay(
  reply: FastifyReply,
  record: { responseStatus: number | null; responseHeaders: unknown; responseBody: unknown },
) {
  const headers = (record.responseHeaders ?? {}) as Record<string, string>;
  reply.code(record.responseStatus ?? 200).headers({ ...headers, 'idempotent-replayed': 'true' });
  // Stored as the exact text sent the first time, so the replay is byte-identical.
  return reply.send(
    typeof record.responseBody === 'string' ? record.responseBody : JSON.stringify(record.responseBody),
  );
}

const asArray = <T>(hooks: T | T[] | undefined): T[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];

export const idempotencyPlugin = fp<{ prisma: PrismaClient; fingerprintKey: Buffer }>(
  async (app: FastifyInstance, { prisma, fingerprintKey }) => {
    app.decorateRequest('idempotencyRecordId', null);
    app.decorateRequest('idempotency', null);
    const remembered = new WeakSet<FastifyRequest>();
    const handle = (req: FastifyRequest, id: string, prior: unknown): IdempotencyHandle => ({
      prior,
      async remember(progress) {
        remembered.add(req);
        await prisma.idempotencyRecord.update({
          where: { id },
          data: { progress: progress as Prisma.InputJsonValue },
        });
      },
    });

    async function claim(req: FastifyRequest, reply: FastifyReply) {
      const header = req.headers['idempotency-key'];
      if (header === undefined) return;
      const key = Array.isArray(header) ? header[0] : header;
      if (!key || !KEY_PATTERN.test(key)) {
        throw new ApiError('validation-failed', 'Idempotency-Key must be 1–255 visible ASCII characters', {
          errors: [{ in: 'header', pointer: '/idempotency-key', detail: 'invalid' }],
        });
      }
      const apiKeyId = req.principal?.keyId;
      if (!apiKeyId) return;
      const requestHash = fingerprint(req, fingerprintKey);
      const claim = {
        apiKeyId,
        key,
        method: req.method,
        path: req.url,
        requestHash,
        expiresAt: new Date(Date.now() + RETAIN_MS),
      };

      try {
        const created = await prisma.idempotencyRecord.create({ data: claim });
        req.idempotencyRecordId = created.id;
        req.idempotency = handle(req, created.id, null);
        return;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const existing = await prisma.idempotencyRecord.findUnique({ where: { apiKeyId_key: { apiKeyId, key } } });
      if (!existing) throw new ApiError('idempotency-key-in-use', 'the Idempotency-Key is being released; retry');
      const expired = existing.expiresAt.getTime() < Date.now();
      if (!expired && existing.requestHash !== requestHash) {
        throw new ApiError('idempotency-key-reused', 'this Idempotency-Key was already used with a different request');
      }
      const reconcile = !expired && unsettled(existing);
      if (!expired && existing.state === 'completed' && !reconcile) return replay(reply, existing);
      // In flight: take it over only when its owner is clearly gone (or the record expired).
      const abandoned = Date.now() - existing.createdAt.getTime() > IN_FLIGHT_STALE_MS;
      if (!expired && !abandoned && existing.state !== 'completed') {
        throw new ApiError(
          'idempotency-key-in-use',
          'a request with this Idempotency-Key is still being processed; retry later',
          {},
          {
            headers: { 'retry-after': '1' },
          },
        );
      }
      const taken = await prisma.idempotencyRecord.updateMany({
        where: { id: existing.id, createdAt: existing.createdAt, state: existing.state },
        data: {
          ...claim,
          state: 'in_flight',
          createdAt: new Date(),
          responseStatus: null,
          responseBody: undefined,
          // An expired record starts afresh; an unsettled one hands its progress to this attempt.
          ...(reconcile ? {} : { progress: Prisma.DbNull }),
        },
      });
      if (taken.count !== 1)
        throw new ApiError(
          'idempotency-key-in-use',
          'a request with this Idempotency-Key is still being processed; retry later',
        );
      req.idempotencyRecordId = existing.id;
      req.idempotency = handle(req, existing.id, reconcile ? existing.progress : null);
    }

    async function settle(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const id = req.idempotencyRecordId;
      if (!id) return payload;
      req.idempotencyRecordId = null;
      // Progress recorded means the platform may have been asked: the key is never freed for a fresh attempt.
      if (releases(reply.statusCode) && !remembered.has(req)) {
        await prisma.idempotencyRecord.delete({ where: { id } }).catch(() => undefined);
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const v = reply.getHeader(name);
        if (v !== undefined) headers[name] = String(v);
      }
      await prisma.idempotencyRecord.update({
        where: { id },
        data: {
          state: 'completed',
          responseStatus: reply.statusCode,
          responseHeaders: headers,
          responseBody: (typeof payload === 'string'
            ? payload
            : payload === null
              ? ''
              : String(payload)) as Prisma.InputJsonValue,
        },
      });
      return payload;
    }

    // On the routes that take an Idempotency-Key only: the reads every dashboard polls run neither.
    app.addHook('onRoute', (route) => {
      if (!route.config?.idempotent) return;
      route.preHandler = [...asArray(route.preHandler), claim];
      route.onSend = [...asArray(route.onSend), settle];
    });
  },
  { name: 'idempotency', dependencies: ['auth'] },
);
