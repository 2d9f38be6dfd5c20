/**
 * Runs the Inspur ECS simulator on 127.0.0.1:0 on a manual clock, seeded with test-owned
 * servers, and builds adapters the way production does: registry pool → shared HTTP client
 * (with the definition's envelope classifier) → capability guard.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { expect } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import { createProviderPool, type Provider } from '../../../src/providers/registry.ts';
import {
  createInspurEcsSimulator,
  DEMO_TOKEN,
  type InspurEcsSimulatorOptions,
} from '../../../src/providers/inspur-ecs/simulator.ts';
import { createManualClock, startSimulator } from '../../../src/sim/index.ts';
import { simControl } from '../../support/sim-control.ts';

export const TOKEN = DEMO_TOKEN;
export const CREDENTIALS = { token: TOKEN };
export const DELAYS = { startMs: 1000, stopMs: 1000, rebootMs: 1000, bootMs: 1000, deleteMs: 1000 };

/** A server id the tests can name: `00000000-0000-4000-8000-0000000000NN`. */
export const serverId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export interface InspurHarness {
  baseUrl: string;
  /** Calls the simulator's control API (`/_sim…`). */
  control(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
  counts(): Promise<Record<string, number>>;
  /** The platform calls the simulator saw, newest last. */
  recent(): Promise<Array<{ op: string; method: string; url: string }>>;
  advance(ms: number): Promise<void>;
  reset(): Promise<void>;
  /** Forces a documented platform status on a server (control API). */
  force(id: string, status: string): Promise<void>;
  provider(credentials?: unknown, options?: Record<string, unknown>): { provider: Provider; metrics: Registry };
  /** One raw platform call with the demo token: what the wire itself says, to compare errors with. */
  wire(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startInspur(opts: InspurEcsSimulatorOptions = {}): Promise<InspurHarness> {
  const clock = createManualClock();
  const sim = createInspurEcsSimulator({ clock, seed: 11, config: { delays: DELAYS }, ...opts });
  const running = await startSimulator(sim.app);
  const pools: Array<ReturnType<typeof createProviderPool>> = [];
  const logger = createLogger('silent');

  const control: InspurHarness['control'] = simControl(running.baseUrl);

  return {
    baseUrl: running.baseUrl,
    control,
    counts: async () => (await control('GET', '/calls')).counts,
    recent: async () => (await control('GET', '/calls?limit=2000')).recent,
    advance: async (ms) => void (await control('POST', '/clock', { advanceMs: ms })),
    reset: async () => void (await control('POST', '/reset', {})),
    force: async (id, status) => void (await control('POST', `/instances/${id}/force`, { status })),
    provider(credentials = CREDENTIALS, options = {}) {
      const metrics = new Registry();
      const pool = createProviderPool({ logger, metrics });
      pools.push(pool);
      const provider = pool.get({
        id: randomUUID(),
        provider: 'inspur-ecs',
        endpoint: running.baseUrl,
        credentials,
        options,
        version: '1',
      });
      return { provider, metrics };
    },
    async wire(method, path, body) {
      const res = await request(`${running.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, body: await res.body.json() };
    },
    async close() {
      await Promise.all(pools.map((p) => p.close()));
      await running.close();
    },
  };
}

/** The ProviderError a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}
