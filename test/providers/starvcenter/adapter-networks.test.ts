/**
 * Private networks as VPCs and subnets (A62) and security groups with rules (A63), over HTTP
 * against the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecurityGroup, Subnet, Vpc } from '../../../src/domain/network.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_NETWORKS, DEMO_SECURITY_GROUP, DEMO_TENANT } from '../../../src/providers/starvcenter/simulator.ts';
import { rejectionOf, startStarVCenter, type StarHarness } from './harness.ts';

let h: StarHarness;
let p: Provider;
const mine = DEMO_NETWORKS.filter((n) => n.tenant === DEMO_TENANT.id);

beforeAll(async () => {
  h = await startStarVCenter();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ({ provider: p } = h.provider());
});

describe('private networks', () => {
  it("lists the tenant's networks as VPCs, each also its one subnet with the same id", async () => {
    const vpcs = (await p.listVpcs()).map((v) => Vpc.parse(v));
    expect(vpcs.map((v) => [v.id, v.name, v.cidr])).toEqual(
      expect.arrayContaining(mine.map((n) => [n.id, n.name, n.cidr])),
    );
    expect(vpcs).toHaveLength(mine.length);
    const subnets = (await p.listSubnets({})).map((s) => Subnet.parse(s));
    expect(subnets.find((s) => s.id === mine[0]!.id)).toEqual({
      id: mine[0]!.id,
      name: mine[0]!.name,
      vpcId: mine[0]!.id,
      cidr: mine[0]!.cidr,
      zone: null,
      gateway: mine[0]!.gateway,
    });
    expect(await p.listSubnets({ vpcId: mine[1]!.id })).toEqual([expect.objectContaining({ id: mine[1]!.id })]);
  });

  it('gets one network, or null', async () => {
    expect(await p.getVpc(mine[0]!.id)).toMatchObject({ id: mine[0]!.id, cidr: mine[0]!.cidr });
    expect(await p.getSubnet(mine[0]!.id)).toMatchObject({ vpcId: mine[0]!.id });
    expect(await p.getVpc('pg-other-app')).toBeNull();
    expect(await p.getSubnet('nope')).toBeNull();
  });

  it('creates a network whose CIDR the platform allocates, and deletes it with the documented POST', async () => {
    const made = Vpc.parse(await p.createVpc({ name: 'cp-net-a', cidr: '10.99.0.0/16' }));
    expect(made).toMatchObject({ name: 'cp-net-a', cidr: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/\d+$/) });
    expect(await p.getVpc(made.id)).toMatchObject({ id: made.id, name: 'cp-net-a' });
    await p.deleteVpc(made.id);
    expect(await p.getVpc(made.id)).toBeNull();
    const deletes = (await h.calls()).filter((c) => c.url.endsWith('/cloudnetwork/vpc/delete'));
    expect(deletes.map((c) => c.method)).toEqual(['POST']);
  });

  it('passes the refusal of deleting an unknown network through', async () => {
    expect(await rejectionOf(p.deleteVpc('pg-nope'))).toMatchObject({ kind: 'invalid', providerCode: '1' });
  });
});

describe('security groups', () => {
  it("lists the tenant's groups with their rules in one rule search", async () => {
    const groups = (await p.listSecurityGroups({})).map((g) => SecurityGroup.parse(g));
    expect(groups.map((g) => g.id)).toContain(DEMO_SECURITY_GROUP.id);
    expect((await h.calls()).filter((c) => c.url.endsWith('/cloudsegroup/rule/search'))).toHaveLength(1);
    expect(await p.listSecurityGroups({ vpcId: mine[0]!.id })).toEqual([]);
  });

  it('creates a group with allow rules (unified from-to port ranges), reads them back, and deletes it', async () => {
    const made = SecurityGroup.parse(
      await p.createSecurityGroup({
        name: 'cp-sg-web',
        description: 'web tier',
        rules: [
          { direction: 'ingress', protocol: 'tcp', portRange: '80-83,443', cidr: '10.0.0.0/8', action: 'allow' },
          { direction: 'egress', protocol: 'all', portRange: null, cidr: '0.0.0.0/0', action: 'allow' },
        ],
      }),
    );
    expect(made).toMatchObject({ name: 'cp-sg-web', vpcId: null });
    expect(made.rules).toEqual(
      expect.arrayContaining([
        { direction: 'ingress', protocol: 'tcp', portRange: '80-83,443', cidr: '10.0.0.0/8', action: 'allow' },
        expect.objectContaining({ direction: 'egress', cidr: '0.0.0.0/0', action: 'allow' }),
      ]),
    );
    expect(await p.getSecurityGroup(made.id)).toEqual(made);
    // The list reads the rules of every group in one search (comma-separated group ids).
    await p.runOperation('security_groups.add_rule', {
      securityGroupId: DEMO_SECURITY_GROUP.id,
      direction: 'out',
      target: '192.168.0.0/16',
    });
    const listed = await p.listSecurityGroups({});
    expect(listed.find((g) => g.id === made.id)).toEqual(made);
    expect(listed.find((g) => g.id === DEMO_SECURITY_GROUP.id)?.rules).toContainEqual(
      expect.objectContaining({ direction: 'egress', cidr: '192.168.0.0/16' }),
    );
    await p.deleteSecurityGroup(made.id);
    expect(await p.getSecurityGroup(made.id)).toBeNull();
  });

  it('refuses deny rules and network-bound groups before any call', async () => {
    const deny = {
      direction: 'ingress' as const,
      protocol: 'tcp',
      portRange: '22',
      cidr: null,
      action: 'deny' as const,
    };
    expect(await rejectionOf(p.createSecurityGroup({ name: 'x', rules: [deny] }))).toMatchObject({ kind: 'invalid' });
    expect(await rejectionOf(p.createSecurityGroup({ name: 'x', vpcId: 'pg', rules: [] }))).toMatchObject({
      kind: 'invalid',
    });
    expect(await h.calls()).toEqual([]);
  });

  it('deletes the group again when the platform refuses one of its rules', async () => {
    // A direction outside in/out is refused by the platform (L3821); the group must not stay half made.
    const before = (await p.listSecurityGroups({})).length;
    const err = await rejectionOf(
      p.createSecurityGroup({
        name: 'cp-sg-bad',
        rules: [{ direction: 'ingress', protocol: 'bogus-proto', portRange: '1', cidr: 'x', action: 'allow' }],
      }),
    );
    expect(err).toMatchObject({ providerCode: '1' });
    expect(await p.listSecurityGroups({})).toHaveLength(before);
  });
});
