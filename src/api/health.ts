/**
 * Liveness and readiness. /healthz says the process is up; /readyz says it
 * can do its job: every dependency answered within its deadline.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../domain/errors.ts';

export type ReadinessCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 2_000;

const CheckResult = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const Readiness = z.object({ status: z.literal('ready'), checks: z.record(z.string(), CheckResult) });

async function runCheck(check: ReadinessCheck): Promise<z.infer<typeof CheckResult>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // Only the error's message: a driver error may carry a connection string.
    const message = err instanceof Error ? err.message.replace(/\/\/[^@\s]*@/g, '//[redacted]@') : 'failed';
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ checks: Record<string, ReadinessCheck> }> = async (
  app,
  { checks },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Liveness',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: PostgreSQL and Redis reachable',
        description: 'Answers 503 problem+json with the same `checks` when any dependency fails.',
        security: [],
        response: { 200: Readiness },
        contract: { problems: ['unavailable'] },
      },
    },
    async () => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => runCheck(checks[n]!)));
      const byName = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
      const failed = names.filter((_, i) => !results[i]!.ok);
      if (failed.length > 0) {
        throw new ApiError(
          'unavailable',
          `not ready: ${failed.join(', ')} unreachable`,
          { checks: byName },
          { headers: { 'retry-after': '5' } },
        );
      }
      return { status: 'ready' as const, checks: byName };
    },
  );
};
