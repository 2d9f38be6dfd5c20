/**
 * Runs the H3C simulator on 127.0.0.1:0 with test-owned identities and network, and builds
 * adapters the way production does: registry pool → shared HTTP client → guard.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { createLogger } from '../../../src/logger.ts';
import { createProviderPool, type Provider } from '../../../src/providers/registry.ts';
import { createH3cSimulator } from '../../../src/providers/h3c-cloudos/simulator.ts';
import { createManualClock, startSimulator, type SimConfigPatch } from '../../../src/sim/index.ts';
import { simControl } from '../../support/sim-control.ts';

export const PROJECT = { id: '0c1d2e3f405162738495a6b7c8d9eaf0', name: 'cp-tests', domain: 'Default' };
export const USER = {
  id: 'aa11bb22cc33dd44ee55ff6600778899',
  name: 'cp-user',
  password: 's3cret-pw',
  domain: 'Default',
  projects: [PROJECT.name],
};
export const STATIC_TOKEN = 'cp-static-token-1';
export const NETWORK_ID = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';
export const PASSWORD_CREDENTIALS = { username: USER.name, password: USER.password, project: PROJECT.name };
export const STATIC_CREDENTIALS = { token: STATIC_TOKEN };
export const BASE_OPTIONS = { defaultNetworkId: NETWORK_ID };

export interface H3cHarness {
  baseUrl: string;
  /** Calls the simulator's control API (`/_sim…`). */
  control(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
  counts(): Promise<Record<string, number>>;
  advance(ms: number): Promise<void>;
  reset(): Promise<void>;
  /** A provider through the registry pool, with a fresh metrics registry. */
  provider(credentials: unknown, options?: Record<string, unknown>): { provider: Provider; metrics: Registry };
  close(): Promise<void>;
}

export async function startH3c(
  opts: { config?: SimConfigPatch; images?: number; maxInstancesPerTenant?: number } = {},
): Promise<H3cHarness> {
  const clock = createManualClock();
  const h3c = createH3cSimulator({
    clock,
    seed: 7,
    projects: [PROJECT],
    users: [USER],
    staticTokens: { [STATIC_TOKEN]: PROJECT.id },
    config: { delays: { bootMs: 3000, startMs: 1000, stopMs: 1000, rebootMs: 1000, deleteMs: 1000 }, ...opts.config },
    catalog: {
      networks: [{ id: NETWORK_ID, name: 'cp-test-net', prefix: '10.20.30' }],
      ...(opts.images ? { images: extraImages(opts.images) } : {}),
    },
    ...(opts.maxInstancesPerTenant !== undefined ? { maxInstancesPerTenant: opts.maxInstancesPerTenant } : {}),
  });
  const sim = await startSimulator(h3c.app);
  const pools: Array<ReturnType<typeof createProviderPool>> = [];
  const logger = createLogger('silent');

  const control: H3cHarness['control'] = simControl(sim.baseUrl);

  return {
    baseUrl: sim.baseUrl,
    control,
    counts: async () => (await control('GET', '/calls')).counts,
    advance: async (ms) => void (await control('POST', '/clock', { advanceMs: ms })),
    reset: async () => void (await control('POST', '/reset', {})),
    provider(credentials, options = BASE_OPTIONS) {
      const metrics = new Registry();
      const pool = createProviderPool({ logger, metrics });
      pools.push(pool);
      const provider = pool.get({
        id: randomUUID(),
        provider: 'h3c-cloudos',
        endpoint: sim.baseUrl,
        credentials,
        options,
        version: '1',
      });
      return { provider, metrics };
    },
    async close() {
      await Promise.all(pools.map((p) => p.close()));
      await sim.close();
    },
  };
}

function extraImages(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `img-${i}`,
    virtType: 'CAS',
    diskFormat: 'qcow2',
    casOstype: 'linux|CentOS 7(64-bit)',
    minDisk: 20,
    sizeBytes: 1_073_741_824,
  }));
}
