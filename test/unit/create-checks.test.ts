/**
 * Each platform's checkCreate and its adapter's create body are one set of rules: for any spec
 * and account, checkCreate finds no problem exactly when the body builder sends, and when it
 * refuses, the refusal is checkCreate's first problem. So a template, an account or an expand the
 * checks let through never fails at create for a reason they could have seen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MachineSpec } from '../../src/domain/machine-spec.ts';
import { ProviderError } from '../../src/providers/contract.ts';
import { definitionOf } from '../../src/providers/registry.ts';
import { planCreate } from '../../src/providers/h3c-cloudos/create-body.ts';
import { createParams } from '../../src/providers/starvcenter/create-params.ts';
import { machineBody } from '../../src/providers/legacy-cluster/spec-body.ts';
import { clusterBody } from '../../src/providers/bridgx/cluster-body.ts';
import type { ProviderKind } from '../../src/domain/providers.ts';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const specs = fc
  .record({
    region: maybe(fc.constant('r1')),
    zone: maybe(fc.constant('z1')),
    instanceType: fc.constantFrom('c2m4096', 'ecs.g6.large', 'c0m1'),
    image: fc.constantFrom('img-1', 'model:centos7', 'template:'),
    network: fc.record({
      vpcId: maybe(fc.constant('vpc-1')),
      subnetId: maybe(fc.constant('net-1')),
      securityGroupIds: maybe(fc.array(fc.constantFrom('sg-1', 'sg-2'), { maxLength: 2 })),
    }),
    systemDisk: maybe(fc.record({ sizeGiB: fc.constant(40), category: maybe(fc.constant('ssd')) })),
    dataDisks: fc.array(fc.record({ sizeGiB: fc.constantFrom(10, 20), category: maybe(fc.constant('ssd')) }), {
      maxLength: 5,
    }),
    charge: fc.constantFrom('on_demand', 'prepaid'),
    login: fc.record({ keyName: maybe(fc.constant('k1')), password: maybe(fc.constant('Pass-word-1')) }),
    tags: fc.dictionary(fc.constantFrom('team', 'user_name', 'zone_uuid'), fc.constant('v'), { maxKeys: 2 }),
  })
  .map((raw) => MachineSpec.parse(JSON.parse(JSON.stringify(raw))));

/** Options with and without the defaults each platform can fill a spec's gaps from. */
const OPTIONS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  'h3c-cloudos': fc.record({
    defaultZoneId: maybe(fc.constant('z1')),
    defaultNetworkId: maybe(fc.constant('net-1')),
    userName: maybe(fc.constant('ops')),
  }),
  starvcenter: fc.record({ defaultNetworkId: maybe(fc.constant('net-1')) }),
  'legacy-cluster': fc.record({
    backend: fc.constant('aliyun'),
    region: fc.constant('r1'),
    zone: maybe(fc.constant('z1')),
    systemDiskCategory: maybe(fc.constant('ssd')),
    dataDiskCategory: maybe(fc.constant('ssd')),
    defaultDataDisk: maybe(fc.constant({ sizeGiB: 100, count: 1 })),
  }),
  bridgx: fc.record({
    accountKey: fc.constant('ak'),
    cloud: fc.constant('AlibabaCloud'),
    region: fc.constant('r1'),
    zone: maybe(fc.constant('z1')),
    vpcId: maybe(fc.constant('vpc-1')),
    subnetId: maybe(fc.constant('net-1')),
    securityGroupId: maybe(fc.constant('sg-1')),
  }),
};

const CREDENTIALS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  'h3c-cloudos': fc.constantFrom({ token: 't' }, { username: 'admin', password: 'p', project: 'admin' }),
  starvcenter: fc.constant({ token: 't' }),
  'legacy-cluster': fc.constant({ headers: {} }),
  bridgx: fc.constant({ token: 't' }),
};

/** The adapter's own body builder: what its create sends, or throws before sending. */
const BUILD: Record<string, (spec: MachineSpec, options: never, credentials: Record<string, unknown>) => unknown> = {
  'h3c-cloudos': (spec, options, c) =>
    planCreate({ spec, name: 'm', tags: {} }, options, 'username' in c ? String(c.username) : undefined),
  starvcenter: (spec, options) => createParams({ spec, name: 'm', tags: {} }, options),
  'legacy-cluster': (spec, options) => machineBody(spec, options, 'instances.create'),
  bridgx: (spec, options) => clusterBody({ name: 'g', namePrefix: 'g', spec, tags: {} }, options),
};

describe.each(Object.keys(BUILD))('%s: checkCreate and the create body agree', (kind) => {
  const def = definitionOf(kind as ProviderKind)!;

  it('declares checkCreate', () => expect(def.checkCreate).toBeTypeOf('function'));

  it('finds no problem exactly when the body is built, else the refusal is its first problem', () => {
    fc.assert(
      fc.property(specs, OPTIONS[kind]!, CREDENTIALS[kind]!, (spec, rawOptions, rawCredentials) => {
        const options = def.options.parse(rawOptions);
        const credentials = def.credentials.parse(rawCredentials);
        const problems = def.checkCreate!({ spec, credentials, options });
        let refusal: ProviderError | undefined;
        try {
          BUILD[kind]!(spec, options as never, rawCredentials);
        } catch (err) {
          if (!(err instanceof ProviderError)) throw err;
          refusal = err;
        }
        if (problems.length === 0) expect(refusal).toBeUndefined();
        else expect(refusal).toMatchObject({ kind: 'invalid', providerMessage: problems[0]!.detail });
        for (const p of problems) expect(p.pointers[0]).toMatch(/^\/(spec|options|credentials)\//);
      }),
      { numRuns: 300 },
    );
  });
});
