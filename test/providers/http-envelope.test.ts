/**
 * The shared HTTP client with a platform that says "failed" inside an HTTP 200: its
 * classify step decides success, a permanent refusal or a retryable one, and retries and
 * metrics follow the verdict. Served by a real simulator skeleton whose refusals are
 * envelopes at HTTP 200 (the sim's `errorStatus`).
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { ProviderError, type ResponseClassifier } from '../../src/providers/contract.ts';
import { createHttpClient } from '../../src/providers/http.ts';
import { createPlatformApp, createSimEngine, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';

const engine = createSimEngine({ seed: 3 });
let sim: RunningSimulator;

beforeAll(async () => {
  const app = createPlatformApp({
    engine,
    renderError: (e) => ({ result: e.code ?? `E${e.status}`, message: e.message ?? 'failed' }),
    // Refusals travel as envelopes at HTTP 200; what a gateway says (5xx, 429) keeps its status.
    errorStatus: (e) => (e.kind === 'refuse' ? 200 : e.status),
    routes(platform) {
      platform.post('/op', { config: { simOp: 'op' } }, async () => ({ result: '0', data: { ok: true } }));
    },
    control: { platformStatus: () => 'x' },
  });
  sim = await startSimulator(app);
});
afterAll(() => sim.close());

const classify: ResponseClassifier = (res, req) => {
  const body = res.json() as { result?: string; message?: string };
  if (body.result === '0') return { ok: true };
  const busy = body.result === 'BUSY';
  return {
    ok: false,
    notActed: busy,
    error: new ProviderError('starvcenter', req.operation, busy ? 'unavailable' : 'invalid', body.result, body.message),
  };
};

function client(metrics: Registry) {
  return createHttpClient({
    provider: 'starvcenter',
    baseUrl: sim.baseUrl,
    logger: createLogger('silent'),
    metrics,
    timeoutMs: 2_000,
    classify,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
}

const call = { method: 'POST', path: '/op', operation: 'op', json: {}, idempotent: false } as const;

describe('a platform whose failures live inside an HTTP 200', () => {
  it('returns the answer when the envelope says success', async () => {
    const http = client(new Registry());
    const res = await http.request(call);
    expect(res.status).toBe(200);
    await http.close();
  });

  it('raises the platform code and message of a refusal without retrying a non-idempotent call', async () => {
    engine.faults.clear();
    engine.calls.reset();
    engine.faults.add({ op: 'op', kind: 'refuse', code: 'E_NAME', message: 'name taken', times: 1 });
    const http = client(new Registry());
    const err = (await http.request(call).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect({ kind: err.kind, code: err.providerCode, message: err.providerMessage }).toEqual({
      kind: 'invalid',
      code: 'E_NAME',
      message: 'name taken',
    });
    expect(engine.calls.count('op')).toBe(1);
    await http.close();
  });

  it('retries a refusal the platform marks as not acted on, and labels the metric with its code', async () => {
    engine.faults.clear();
    engine.calls.reset();
    engine.faults.add({ op: 'op', kind: 'refuse', code: 'BUSY', message: 'busy', times: 2 });
    const metrics = new Registry();
    const http = client(metrics);
    const res = await http.request(call);
    expect(res.status).toBe(200);
    expect(engine.calls.count('op')).toBe(3);
    const text = await metrics.metrics();
    expect(text).toContain('outcome="200:BUSY"');
    expect(text).toContain('outcome="200"');
    await http.close();
  });
});
