/**
 * The simulated cloud: one object owning config, clock, seeded random streams and every
 * store. A platform simulator builds its wire on top of it; the control API drives it.
 */
import { type Clock, systemClock } from './clock.ts';
import { type CallLog, createCallLog } from './call-log.ts';
import { type CatalogStore, createCatalogStore } from './catalog-store.ts';
import { DEFAULT_SIM_CONFIG, type SimConfig, type SimConfigPatch, mergeConfig } from './config.ts';
import { type FaultRegistry, createFaultRegistry } from './faults.ts';
import { type InstanceStore, createInstanceStore } from './instance-store.ts';
import { type JobStore, createJobStore } from './jobs.ts';
import { type Random, createRandom, deriveSeed } from './random.ts';
import { type TokenStore, createTokenStore } from './tokens.ts';

export interface SimEngineOptions {
  seed?: number;
  clock?: Clock;
  config?: SimConfigPatch;
}

/** Named streams; each is independent of the others for a given seed. */
export type RandomStream = 'ids' | 'outcomes' | 'faults' | 'latency' | 'platform';

export interface SimEngine {
  readonly clock: Clock;
  readonly seed: number;
  config(): SimConfig;
  configure(patch: SimConfigPatch): SimConfig;
  random(stream: RandomStream): Random;
  readonly instances: InstanceStore;
  readonly catalog: CatalogStore;
  readonly jobs: JobStore;
  readonly faults: FaultRegistry;
  readonly calls: CallLog;
  readonly tokens: TokenStore;
  /** Real milliseconds to delay the next platform call (fixed + seeded jitter). */
  latencyMs(): number;
  /** Empty every store, restore the initial config, reseed, then run the reset listeners (re-seed data). */
  reset(seed?: number): void;
  onReset(listener: () => void): void;
}

export function createSimEngine(options: SimEngineOptions = {}): SimEngine {
  const clock = options.clock ?? systemClock;
  const initialConfig = mergeConfig(DEFAULT_SIM_CONFIG, options.config);
  let config = initialConfig;
  let seed = options.seed ?? 1;
  const streams: Record<RandomStream, Random> = {
    ids: createRandom(deriveSeed(seed, 'ids')),
    outcomes: createRandom(deriveSeed(seed, 'outcomes')),
    faults: createRandom(deriveSeed(seed, 'faults')),
    latency: createRandom(deriveSeed(seed, 'latency')),
    platform: createRandom(deriveSeed(seed, 'platform')),
  };
  const listeners: Array<() => void> = [];

  const instances = createInstanceStore({ clock, config: () => config, ids: streams.ids, outcomes: streams.outcomes });
  const catalog = createCatalogStore();
  const jobs = createJobStore({ clock, ids: streams.ids });
  const faults = createFaultRegistry(streams.faults);
  const calls = createCallLog();
  const tokens = createTokenStore({ clock, ids: streams.platform });

  const engine: SimEngine = {
    clock,
    get seed() {
      return seed;
    },
    config: () => config,
    configure(patch) {
      config = mergeConfig(config, patch);
      return config;
    },
    random: (stream) => streams[stream],
    instances,
    catalog,
    jobs,
    faults,
    calls,
    tokens,
    latencyMs() {
      const { fixedMs, jitterMs } = config.latency;
      return fixedMs + (jitterMs > 0 ? streams.latency.int(0, jitterMs) : 0);
    },
    reset(nextSeed) {
      if (nextSeed !== undefined) seed = nextSeed;
      for (const [name, r] of Object.entries(streams)) r.reseed(deriveSeed(seed, name));
      config = initialConfig;
      instances.clear();
      catalog.clear();
      jobs.clear();
      faults.clear();
      calls.reset();
      tokens.clear();
      for (const l of listeners) l();
    },
    onReset(listener) {
      listeners.push(listener);
    },
  };
  return engine;
}
