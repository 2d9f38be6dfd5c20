/**
 * Runs the legacy cluster simulator (the other engineer's independent reading) on 127.0.0.1:0
 * with a manual clock, and builds adapters the way production does: registry pool → shared
 * HTTP client (with the definition's classifier) → guard. Only the simulator's factory and its
 * DEMO_* constants are used; its op names are the ones its call log reports.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { createProviderPool, type Provider } from '../../../src/providers/registry.ts';
import { createLegacyClusterSimulator } from '../../../src/providers/legacy-cluster/simulator.ts';
import { DEMO_PLACEMENT, DEMO_STATUS_MAP } from '../../../src/providers/legacy-cluster/simulator-demo.ts';
import { createManualClock, startSimulator, type SimConfigPatch } from '../../../src/sim/index.ts';
import { simControl } from '../../support/sim-control.ts';

export const ALIYUN = DEMO_PLACEMENT.aliyun;
export const AWS = DEMO_PLACEMENT.aws;

/** An account in the simulator's Aliyun region, with the simulator's reading of `Status` as its override. */
export const OPTIONS = {
  backend: ALIYUN.provider,
  region: ALIYUN.regionId,
  zone: ALIYUN.zoneId,
  systemDiskCategory: ALIYUN.diskCategory,
  dataDiskCategory: ALIYUN.diskCategory,
  defaultDataDisk: { sizeGiB: 100, count: 1 },
  internetChargeType: ALIYUN.internetChargeType,
  statusMap: { ...DEMO_STATUS_MAP },
};
/** The same account on the adapter's own status table (no override). */
export const { statusMap: _unused, ...PLAIN_OPTIONS } = OPTIONS;

export const DELAYS = { bootMs: 3000, startMs: 1000, stopMs: 1000, rebootMs: 1000, deleteMs: 2000 };

/** A debug logger whose lines land in `lines` (the shared HTTP client writes one per call). */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

export interface CallRecord {
  op: string;
  method: string;
  url: string;
  fault: string | null;
  fields?: Record<string, string>;
}

export interface LegacyHarness {
  baseUrl: string;
  control(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
  counts(): Promise<Record<string, number>>;
  recent(limit?: number): Promise<CallRecord[]>;
  clearCalls(): Promise<void>;
  fault(rule: Record<string, unknown>): Promise<void>;
  advance(ms: number): Promise<void>;
  reset(): Promise<void>;
  /** A provider through the registry pool, with a fresh metrics registry. */
  provider(
    options?: Record<string, unknown>,
    credentials?: unknown,
    logger?: Logger,
  ): { provider: Provider; metrics: Registry };
  close(): Promise<void>;
}

export async function startLegacy(
  opts: { config?: SimConfigPatch; gatewayHeaders?: Record<string, string> } = {},
): Promise<LegacyHarness> {
  const clock = createManualClock(Date.UTC(2017, 7, 2, 9, 52, 29));
  const legacy = createLegacyClusterSimulator({
    clock,
    seed: 11,
    config: { delays: DELAYS, ...opts.config },
    ...(opts.gatewayHeaders ? { gatewayHeaders: opts.gatewayHeaders } : {}),
  });
  const sim = await startSimulator(legacy.app);
  const pools: Array<ReturnType<typeof createProviderPool>> = [];
  const logger = createLogger('silent');

  const control: LegacyHarness['control'] = simControl(sim.baseUrl);

  return {
    baseUrl: sim.baseUrl,
    control,
    counts: async () => (await control('GET', '/calls')).counts,
    recent: async (limit = 200) => (await control('GET', `/calls?limit=${limit}`)).recent,
    clearCalls: async () => void (await control('DELETE', '/calls')),
    fault: async (rule) => void (await control('POST', '/faults', rule)),
    advance: async (ms) => void (await control('POST', '/clock', { advanceMs: ms })),
    reset: async () => void (await control('POST', '/reset', {})),
    provider(options = OPTIONS, credentials = {}, log = logger) {
      const metrics = new Registry();
      const pool = createProviderPool({ logger: log, metrics });
      pools.push(pool);
      const provider = pool.get({
        id: randomUUID(),
        provider: 'legacy-cluster',
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
