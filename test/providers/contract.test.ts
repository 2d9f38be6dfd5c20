/**
 * The adapter contract, per registered kind: every declared capability works against the
 * kind's simulator and returns schema-valid data; every undeclared one rejects with
 * UnsupportedOperationError before any simulator call. A new kind plugs in with one FIXTURES
 * entry (how to run its simulator, its account, how to let time pass).
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Image, InstanceType, Region, Zone } from '../../src/domain/catalog.ts';
import { Console, ProviderInstance } from '../../src/domain/instance.ts';
import { MachineSpec } from '../../src/domain/machine-spec.ts';
import { SecurityGroup, Subnet, Vpc } from '../../src/domain/network.ts';
import { Capability, type ProviderKind } from '../../src/domain/providers.ts';
import { createLogger } from '../../src/logger.ts';
import { METHOD_OF, UnsupportedOperationError } from '../../src/providers/contract.ts';
import { createProviderPool, definitionOf, providerInfos, type Provider } from '../../src/providers/registry.ts';
import { BASE_OPTIONS, PASSWORD_CREDENTIALS, startH3c } from './h3c-cloudos/harness.ts';

interface RunningKind {
  endpoint: string;
  credentials: unknown;
  options: Record<string, unknown>;
  /** Lets pending transitions (boot, stop, delete…) finish. */
  settle(): Promise<void>;
  close(): Promise<void>;
  /** Spec fields the platform needs beyond the catalog's first zone, type and image. */
  specExtras?: Partial<MachineSpec>;
}

/** kind → how to run its simulator and build an account for it. Every simulator mounts `/_sim`. */
const FIXTURES: Partial<Record<ProviderKind, () => Promise<RunningKind>>> = {
  'h3c-cloudos': async () => {
    const h = await startH3c();
    return {
      endpoint: h.baseUrl,
      credentials: PASSWORD_CREDENTIALS,
      options: BASE_OPTIONS,
      settle: () => h.advance(60_000),
      close: () => h.close(),
    };
  },
};

interface Ctx {
  provider: Provider;
  kind: RunningKind;
  zones?: Zone[];
  types?: InstanceType[];
  images?: Image[];
  instanceId?: string;
  jobId?: string;
}

const CreateAccepted = z.object({ instanceId: z.string().min(1).nullable(), jobId: z.string().min(1).nullable() });
const Page = z.object({ items: z.array(ProviderInstance), nextPageToken: z.string().nullable() });
const JobState = z.object({ state: z.enum(['running', 'succeeded', 'failed']), instanceIds: z.array(z.string()) });
const id = (c: Ctx) => {
  if (!c.instanceId) throw new Error('instances.create must be declared for the instance capabilities');
  return c.instanceId;
};

/** How each capability is exercised, in this order (a machine is made before it is acted on). */
const EXERCISE: Array<[Capability, (c: Ctx) => Promise<void>]> = [
  ['accounts.verify', async (c) => c.provider.verifyCredentials()],
  ['catalog.regions', async (c) => void z.array(Region).parse(await c.provider.listRegions())],
  ['catalog.zones', async (c) => void (c.zones = z.array(Zone).parse(await c.provider.listZones()))],
  [
    'catalog.instance_types',
    async (c) => void (c.types = z.array(InstanceType).parse(await c.provider.listInstanceTypes())),
  ],
  ['catalog.images', async (c) => void (c.images = z.array(Image).parse(await c.provider.listImages()))],
  ['vpcs.list', async (c) => void z.array(Vpc).parse(await c.provider.listVpcs())],
  ['vpcs.get', async (c) => void Vpc.nullable().parse(await c.provider.getVpc('missing'))],
  ['subnets.list', async (c) => void z.array(Subnet).parse(await c.provider.listSubnets({}))],
  ['subnets.get', async (c) => void Subnet.nullable().parse(await c.provider.getSubnet('missing'))],
  ['security_groups.list', async (c) => void z.array(SecurityGroup).parse(await c.provider.listSecurityGroups({}))],
  [
    'security_groups.get',
    async (c) => void SecurityGroup.nullable().parse(await c.provider.getSecurityGroup('missing')),
  ],
  [
    'instances.create',
    async (c) => {
      const spec = MachineSpec.parse({
        zone: c.zones?.[0]?.id,
        instanceType: c.types?.[0]?.id,
        image: c.images?.[0]?.id,
        ...c.kind.specExtras,
      });
      const accepted = CreateAccepted.parse(
        await c.provider.createInstance({ name: `cp-contract-${Date.now() % 100000}`, spec, tags: { 'cp-test': '1' } }),
      );
      c.instanceId = accepted.instanceId ?? undefined;
      c.jobId = accepted.jobId ?? undefined;
      await c.kind.settle();
    },
  ],
  ['instances.get', async (c) => void expect(ProviderInstance.parse(await c.provider.getInstance(id(c)))).toBeTruthy()],
  ['instances.list', async (c) => void Page.parse(await c.provider.listInstances({ pageSize: 10 }))],
  ['instances.console', async (c) => void Console.parse(await c.provider.getConsole(id(c)))],
  ['instances.tags', async (c) => c.provider.setTags(id(c), { 'cp-test': '2' })],
  ['instances.stop', async (c) => (await c.provider.stopInstance(id(c)), c.kind.settle())],
  ['instances.start', async (c) => (await c.provider.startInstance(id(c)), c.kind.settle())],
  ['instances.reboot', async (c) => (await c.provider.rebootInstance(id(c)), c.kind.settle())],
  [
    'jobs.get',
    async (c) => {
      if (!c.jobId) throw new Error('jobs.get is declared but the create returned no job id');
      JobState.parse(await c.provider.getJob(c.jobId));
    },
  ],
  [
    'operations.run',
    async (c) => {
      // The first catalogued operation that takes an empty input, checked against its own output schema.
      const op = c.provider.definition.operations.find((o) => o.input.safeParse({}).success);
      if (!op) throw new Error('operations.run is declared but no operation takes an empty input');
      op.output.parse(await c.provider.runOperation(op.name, {}));
    },
  ],
  [
    'instances.delete',
    async (c) => {
      await c.provider.deleteInstance(id(c));
      await c.kind.settle();
      if (c.provider.supports('instances.get')) expect(await c.provider.getInstance(id(c))).toBeNull();
    },
  ],
];

const kinds = providerInfos().map((i) => i.kind);

it('has a fixture for every registered kind and an exerciser for every capability it may declare', () => {
  for (const kind of kinds) expect(FIXTURES[kind], kind).toBeDefined();
  const covered = new Set(EXERCISE.map(([c]) => c));
  for (const kind of kinds)
    for (const c of definitionOf(kind)!.capabilities) expect(covered.has(c), `${kind} ${c}`).toBe(true);
});

describe.each(kinds)('%s', (kind) => {
  const definition = definitionOf(kind)!;
  const declared = new Set<Capability>(definition.capabilities);
  const undeclared = Capability.options.filter((c) => !declared.has(c));
  const pool = createProviderPool({ logger: createLogger('silent') });
  const ctx = {} as Ctx;

  const calls = async () => {
    const res = await request(`${ctx.kind.endpoint}/_sim/calls`);
    const body = (await res.body.json()) as { counts: Record<string, number> };
    return Object.values(body.counts).reduce((a, b) => a + b, 0);
  };

  beforeAll(async () => {
    ctx.kind = await FIXTURES[kind]!();
    ctx.provider = pool.get({
      id: randomUUID(),
      provider: kind,
      endpoint: ctx.kind.endpoint,
      credentials: ctx.kind.credentials,
      options: ctx.kind.options,
      version: '1',
    });
  });
  afterAll(async () => {
    await pool.close();
    await ctx.kind?.close();
  });

  const steps = EXERCISE.filter(([c]) => declared.has(c));
  it.each(steps.map(([c, run]) => ({ c, run })))('declared $c works and returns valid data', async ({ run }) => {
    await expect(run(ctx)).resolves.toBeUndefined();
  });

  it.skipIf(undeclared.length === 0)('rejects every undeclared capability with no platform call', async () => {
    const before = await calls();
    for (const c of undeclared) {
      const method = ctx.provider[METHOD_OF[c]] as (...a: unknown[]) => Promise<unknown>;
      await expect(method('x', {}), c).rejects.toBeInstanceOf(UnsupportedOperationError);
      expect(ctx.provider.supports(c)).toBe(false);
    }
    expect(await calls()).toBe(before);
  });
});
