/** An H3C CloudOS simulator on a real port, with fast transitions for API tests. */
import {
  createH3cSimulator,
  DEFAULT_USER,
  type H3cSimulatorOptions,
} from '../../src/providers/h3c-cloudos/simulator.ts';
import { startSimulator } from '../../src/sim/index.ts';

/** A password no other string in the suite contains, so a leak check cannot pass or fail by accident. */
export const H3C_LOGIN = { username: 'admin', password: 'Pa55-lab-7f3e9c', project: 'admin' };

export async function startH3c(options: H3cSimulatorOptions = {}) {
  const sim = createH3cSimulator({
    seed: 7,
    users: [{ ...DEFAULT_USER, password: H3C_LOGIN.password }],
    config: { delays: { bootMs: 300, startMs: 150, stopMs: 150, rebootMs: 150, deleteMs: 150 } },
    ...options,
  });
  const running = await startSimulator(sim.app);
  const networkId = sim.catalog.networks[0]?.id;
  return {
    ...sim,
    ...running,
    /** Body for POST /v1/accounts pointing at this simulator. */
    account(name: string, overrides: Record<string, unknown> = {}) {
      return {
        name,
        provider: 'h3c-cloudos' as const,
        endpoint: running.baseUrl,
        credentials: H3C_LOGIN,
        options: { defaultNetworkId: networkId },
        ...overrides,
      };
    },
  };
}

export type H3cHarness = Awaited<ReturnType<typeof startH3c>>;

type Call = (method: 'GET' | 'POST', url: string, payload?: unknown) => Promise<{ body: Record<string, any> }>;

/**
 * An account on the simulator (account options merged over the harness's) and a template whose spec
 * takes the first zone, instance type and image of the account's catalog.
 */
export async function accountAndTemplate(
  call: Call,
  sim: H3cHarness,
  name: string,
  options: Record<string, unknown> = {},
) {
  const base = sim.account(`${name}-lab`);
  const account = (await call('POST', '/v1/accounts', { ...base, options: { ...base.options, ...options } })).body;
  const first = async (kind: string) =>
    (await call('GET', `/v1/accounts/${account.id}/${kind}`)).body.items[0].id as string;
  const spec = {
    zone: await first('zones'),
    instanceType: await first('instance-types'),
    image: await first('images'),
  };
  const template = (await call('POST', '/v1/templates', { name, accountId: account.id, spec })).body;
  return { account, template, spec };
}
