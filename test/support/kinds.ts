/**
 * Any registered platform kind for task tests, through what its definition
 * carries: its simulator (fast transitions), its demo account, and the spec
 * extras a create needs. The simulator is driven only through the control
 * API every simulator mounts (`/_sim`), so nothing here names a platform.
 */
import { bullConnection } from '../../src/db/redis.ts';
import type { EngineSettings } from '../../src/tasks/engine-deps.ts';
import { startWorker } from '../../src/tasks/worker.ts';
import type { TestApp } from './app.ts';
import type { Isolated } from './context.ts';
import { simControl } from './sim-control.ts';
import type { ProviderKind, ScalingStrategy } from '../../src/domain/providers.ts';
import { definitionOf, providerInfos } from '../../src/providers/registry.ts';

export type Json = Record<string, any>;
type Call = (method: 'GET' | 'POST', url: string, payload?: unknown) => Promise<{ status: number; body: Json }>;

export interface SimMachine {
  id: string;
  name: string;
  state: string;
  tags: Record<string, string>;
}

/** Kinds whose definition says the engine can scale them, with the strategy of each. */
export function scalableKinds(): Array<{ kind: ProviderKind; scaling: ScalingStrategy }> {
  return providerInfos()
    .filter((i) => i.scaling !== 'none')
    .map((i) => ({ kind: i.kind, scaling: i.scaling }));
}

export async function startKind(kind: ProviderKind) {
  const definition = definitionOf(kind)!;
  const running = await definition.simulator.start({ host: '127.0.0.1', port: 0, fast: true });
  const control = simControl(running.baseUrl);
  return {
    kind,
    definition,
    baseUrl: running.baseUrl,
    control,
    /** Every machine the platform holds (deleted ones excluded). */
    async machines(): Promise<SimMachine[]> {
      const { items } = await control('GET', '/instances');
      return (items as SimMachine[]).filter((m) => m.state !== 'gone' && m.state !== 'deleted');
    },
    /** Body for POST /v1/accounts: the demo account, with options merged over its own. */
    account(name: string, options: Json = {}) {
      const seed = definition.simulator.demoAccount(running.baseUrl);
      return { ...seed, name, provider: kind, options: { ...seed.options, ...options } };
    },
    close: () => running.close(),
  };
}

export type KindHarness = Awaited<ReturnType<typeof startKind>>;

/**
 * An account on the kind's simulator and a template whose spec takes the first entry of each
 * catalog the platform has, plus the spec extras its definition names.
 */
export async function kindAccountAndTemplate(call: Call, sim: KindHarness, name: string, options: Json = {}) {
  const account = await call('POST', '/v1/accounts', sim.account(`${name}-lab`, options));
  if (account.status !== 201) throw new Error(`account: ${account.status} ${JSON.stringify(account.body)}`);
  const first = async (catalog: string) => {
    const res = await call('GET', `/v1/accounts/${account.body.id}/${catalog}`);
    return res.status === 200 ? (res.body.items[0]?.id as string | undefined) : undefined;
  };
  const spec: Json = {
    ...(await first('zones').then((zone) => (zone ? { zone } : {}))),
    instanceType: await first('instance-types'),
    image: await first('images'),
    ...sim.definition.simulator.specExtras,
  };
  const template = await call('POST', '/v1/templates', { name, accountId: account.body.id, spec });
  if (template.status !== 201) throw new Error(`template: ${template.status} ${JSON.stringify(template.body)}`);
  return { account: account.body, template: template.body, spec };
}

/**
 * An in-process worker running the real engine for a test app: fast polls and sweeps, a short job
 * lock; `settings` override the engine's (a short deadline, say).
 */
export function startEngineWorker(
  t: TestApp,
  iso: Isolated,
  opts: { concurrency?: number; settings?: Partial<EngineSettings> } = {},
) {
  const engine = t.services.engine();
  return startWorker({
    connection: bullConnection(iso.config.redisUrl),
    prefix: iso.config.redisPrefix,
    concurrency: opts.concurrency ?? 2,
    logger: t.logger,
    lockDurationMs: 5_000,
    sweepEveryMs: 500,
    engine: { ...engine, settings: { ...engine.settings, pollMs: 100, ...opts.settings } },
  });
}
