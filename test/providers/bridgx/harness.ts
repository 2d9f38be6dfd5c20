/**
 * Runs the BridgX simulator on 127.0.0.1:0 (on a manual clock unless asked otherwise) and builds
 * adapters the way production does: registry pool → shared HTTP client with the kind's
 * classify → capability guard. Only the simulator's factory and its DEMO_* constants are used.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { expect } from 'vitest';
import { ProviderError } from '../../../src/providers/contract.ts';
import { createLogger } from '../../../src/logger.ts';
import { createProviderPool, type Provider } from '../../../src/providers/registry.ts';
import {
  createBridgxSimulator,
  DEMO_ACCOUNT,
  DEMO_NETWORK,
  DEMO_REGION,
  DEMO_TOKEN,
  DEMO_ZONE,
  type BridgxSimulatorOptions,
} from '../../../src/providers/bridgx/simulator.ts';
import { createManualClock, startSimulator, type ManualClock } from '../../../src/sim/index.ts';
import { simControl } from '../../support/sim-control.ts';

export const TOKEN_CREDENTIALS = { token: DEMO_TOKEN };
export const BASE_OPTIONS = {
  accountKey: DEMO_ACCOUNT.ak,
  cloud: DEMO_ACCOUNT.provider,
  region: DEMO_REGION,
  zone: DEMO_ZONE,
  vpcId: DEMO_NETWORK.vpcId,
  subnetId: DEMO_NETWORK.subnetId,
  securityGroupId: DEMO_NETWORK.securityGroupId,
};
/** A login password the simulator accepts (three character classes). */
export const PASSWORD = 'Cp-Test-Pass-42';

export interface BridgxHarness {
  baseUrl: string;
  clock: ManualClock | null;
  /** Calls the simulator's control API (`/_sim…`). */
  control(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
  counts(): Promise<Record<string, number>>;
  /** Moves the manual clock. */
  advance(ms: number): Promise<void>;
  /** Raw platform call, for what the adapter does not expose (its wire, seen from outside). */
  raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; text: string }>;
  provider(credentials?: unknown, options?: Record<string, unknown>): { provider: Provider; metrics: Registry };
  close(): Promise<void>;
}

export async function startBridgx(
  opts: Omit<BridgxSimulatorOptions, 'clock'> & { realClock?: boolean } = {},
): Promise<BridgxHarness> {
  const { realClock, ...simOptions } = opts;
  const clock = realClock ? null : createManualClock(Date.parse('2026-03-10T02:00:00Z'));
  const sim = createBridgxSimulator({
    seed: 11,
    ...(clock ? { clock } : {}),
    config: { delays: { bootMs: 3000, deleteMs: 2000 } },
    timing: { taskStartMs: 500, taskMinMs: 0, networkReadyMs: 1000, syncMs: 0 },
    ...simOptions,
  });
  const running = await startSimulator(sim.app);
  const pools: Array<ReturnType<typeof createProviderPool>> = [];
  const logger = createLogger('silent');

  const control: BridgxHarness['control'] = simControl(running.baseUrl);

  return {
    baseUrl: running.baseUrl,
    clock,
    control,
    counts: async () => (await control('GET', '/calls')).counts,
    advance: async (ms) => void (await control('POST', '/clock', { advanceMs: ms })),
    async raw(method, path, body) {
      const res = await request(`${running.baseUrl}${path}`, {
        method,
        headers: body !== undefined ? { 'content-type': 'application/json' } : {},
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    provider(credentials = TOKEN_CREDENTIALS, options = BASE_OPTIONS) {
      const metrics = new Registry();
      const pool = createProviderPool({ logger, metrics });
      pools.push(pool);
      const provider = pool.get({
        id: randomUUID(),
        provider: 'bridgx',
        endpoint: running.baseUrl,
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

/** The ProviderError a call rejects with (fails the test when it resolves). */
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
