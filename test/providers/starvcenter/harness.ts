/**
 * Runs the StarVCenter simulator on 127.0.0.1:0 with a manual clock, and builds adapters the
 * way production does: registry pool → shared HTTP client (with the definition's classify) →
 * capability guard. Imports only the simulator's factory and its DEMO_* seeds.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { createLogger } from '../../../src/logger.ts';
import { createProviderPool, type Provider } from '../../../src/providers/registry.ts';
import {
  DEMO_NETWORKS,
  DEMO_OTHER_TENANT,
  DEMO_TENANT,
  createStarVCenterSimulator,
} from '../../../src/providers/starvcenter/simulator.ts';
import { createManualClock, startSimulator, type SimConfigPatch } from '../../../src/sim/index.ts';
import { simControl } from '../../support/sim-control.ts';

export const BASE_PATH = '/starvcenter/services/cloudresource';
export const TOKEN = DEMO_TENANT.token;
export const OTHER_TOKEN = DEMO_OTHER_TENANT.token;
export const NETWORK_ID = DEMO_NETWORKS[0]!.id;
export const CREDENTIALS = { token: TOKEN };
export const OPTIONS = { defaultNetworkId: NETWORK_ID };
/** Transition delays on the manual clock: each is advanced past explicitly. */
export const DELAYS = { bootMs: 3000, startMs: 1000, stopMs: 1000, rebootMs: 1000, deleteMs: 1000, jobMs: 1000 };

export interface CallRecord {
  op: string;
  method: string;
  url: string;
  fault: string | null;
}

export interface StarHarness {
  /** The simulator's origin (control API lives under `/_sim`). */
  baseUrl: string;
  /** The documented BaseURL of this simulator. */
  endpoint: string;
  control(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
  /** Platform calls since the last reset, oldest first. */
  calls(): Promise<CallRecord[]>;
  /** The simulator's operation name of the last call to this path (below BaseURL) and method. */
  opOf(method: string, path: string): Promise<string>;
  advance(ms: number): Promise<void>;
  reset(): Promise<void>;
  provider(
    credentials?: unknown,
    options?: Record<string, unknown>,
    endpoint?: string,
  ): { provider: Provider; metrics: Registry };
  close(): Promise<void>;
}

export async function startStarVCenter(opts: { config?: SimConfigPatch } = {}): Promise<StarHarness> {
  const clock = createManualClock();
  const sim = createStarVCenterSimulator({ clock, seed: 11, config: { delays: DELAYS, ...opts.config } });
  const running = await startSimulator(sim.app);
  const pools: Array<ReturnType<typeof createProviderPool>> = [];
  const logger = createLogger('silent');

  const control: StarHarness['control'] = simControl(running.baseUrl);
  const calls = async (): Promise<CallRecord[]> => (await control('GET', '/calls?limit=2000')).recent;

  return {
    baseUrl: running.baseUrl,
    endpoint: `${running.baseUrl}${BASE_PATH}`,
    control,
    calls,
    async opOf(method, path) {
      const hit = (await calls()).findLast(
        (c) => c.method === method && c.url.split('?')[0] === `${BASE_PATH}/${path}`,
      );
      if (!hit) throw new Error(`no ${method} ${path} call seen`);
      return hit.op;
    },
    advance: async (ms) => void (await control('POST', '/clock', { advanceMs: ms })),
    reset: async () => void (await control('POST', '/reset', {})),
    provider(credentials = CREDENTIALS, options = OPTIONS, endpoint = `${running.baseUrl}${BASE_PATH}`) {
      const metrics = new Registry();
      const pool = createProviderPool({ logger, metrics });
      pools.push(pool);
      const provider = pool.get({
        id: randomUUID(),
        provider: 'starvcenter',
        endpoint,
        credentials,
        options,
        version: '1',
      });
      return { provider, metrics };
    },
    async close() {
      await Promise.all(pools.map((p) => p.close()));
      await running.close();
    },
  };
}

/** Awaits a rejection and returns it as the ProviderError it must be. */
export async function rejectionOf<T = unknown>(promise: Promise<unknown>): Promise<T> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as T,
  );
}
