/**
 * The simulators the `sim` and `all` roles serve as default clouds, one per
 * platform that has one, each with the demo account that reaches it.
 * Tests start simulators themselves; this list is for people and benchmarks.
 */
import type { ProviderKind } from '../domain/providers.ts';
import { startSimulator, type RunningSimulator } from '../sim/index.ts';
import { createH3cSimulator, DEFAULT_CATALOG, DEFAULT_PROJECT, DEFAULT_USER } from './h3c-cloudos/simulator.ts';

export interface SimulatorEntry {
  kind: ProviderKind;
  start(at: { host: string; port: number }): Promise<RunningSimulator>;
  /** Credentials and options of an account that works against the simulator as seeded. */
  demoAccount(baseUrl: string): {
    name: string;
    endpoint: string;
    credentials: Record<string, unknown>;
    options: Record<string, unknown>;
  };
}

export const SIMULATORS: readonly SimulatorEntry[] = [
  {
    kind: 'h3c-cloudos',
    start: ({ host, port }) => startSimulator(createH3cSimulator().app, { host, port }),
    demoAccount: (endpoint) => ({
      name: 'demo-h3c-cloudos',
      endpoint,
      credentials: { username: DEFAULT_USER.name, password: DEFAULT_USER.password, project: DEFAULT_PROJECT.name },
      // The platform's document has no network API, so the seeded network is named here.
      options: { defaultNetworkId: DEFAULT_CATALOG.networks[0]?.id },
    }),
  },
];
