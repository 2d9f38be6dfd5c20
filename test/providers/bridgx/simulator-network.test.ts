import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNT,
  DEMO_CLOUD_ONLY_NETWORK,
  DEMO_NETWORK,
  DEMO_TENCENT_ACCOUNT,
} from '../../../src/providers/bridgx/simulator.ts';
import { type BxHarness, PARAM_INVALID, T0, startBridgx } from './simulator-client.ts';

let bx: BxHarness;
beforeAll(async () => {
  bx = await startBridgx();
});
afterAll(() => bx.close());
beforeEach(async () => {
  await bx.control('POST', '/reset', {});
  await bx.control('POST', '/clock', { setMs: T0 });
});

const AK = DEMO_ACCOUNT.ak;
const vpcBody = (extra: Record<string, unknown> = {}) => ({
  provider: 'AlibabaCloud',
  region_id: 'cn-qingdao',
  vpc_name: 'cp-vpc',
  cidr_block: '10.10.0.0/16',
  ak: AK,
  ...extra,
});

describe('VPCs', () => {
  it('creates a VPC that is Pending, then Available, and reads it by id and by row id', async () => {
    const id = (await bx.post('/api/v1/vpc/create', vpcBody())).json.data as string;
    expect(id).toMatch(/^vpc-m5e[0-9a-z]{18}$/);
    const info = await bx.get(`/api/v1/vpc/info/${id}`);
    expect(info.json.data).toEqual({
      VpcId: id,
      VpcName: 'cp-vpc',
      CidrBlock: '10.10.0.0/16',
      Provider: 'AlibabaCloud',
      Status: 'Pending',
      CreateAt: '2024-01-01 09:00:00 +0800 CST',
    });
    await bx.advance(1000);
    expect((await bx.get(`/api/v1/vpc/info/${id}`)).json.data.Status).toBe('Available');
    // Row ids count BridgX's records: the seeded VPC, switch and group took 1–3.
    expect((await bx.get('/api/v1/vpc/info/1')).json.data.VpcId).toBe(DEMO_NETWORK.vpcId);
    expect((await bx.get('/api/v1/vpc/info/4')).json.data.VpcId).toBe(id);
  });

  it('describes VPCs newest first with the PascalCase pager, filtered by provider, region and name', async () => {
    await bx.post('/api/v1/vpc/create', vpcBody({ vpc_name: 'second' }));
    const all = (await bx.get('/api/v1/vpc/describe', { provider: 'AlibabaCloud', region_id: 'cn-qingdao' })).json;
    expect(all.data.Vpcs.map((v: any) => v.VpcName)).toEqual(['second', 'demo-vpc']);
    expect(all.data.Vpcs[1]).toMatchObject({ SwitchIds: DEMO_NETWORK.subnetId, CidrBlock: '172.16.0.0/12' });
    expect(all.data.Pager).toEqual({ PageNumber: 1, PageSize: 10, Total: 2 });
    expect((await bx.get('/api/v1/vpc/describe', { vpc_name: 'demo-vpc' })).json.data.Vpcs).toHaveLength(1);
    expect((await bx.get('/api/v1/vpc/describe', { region_id: 'cn-beijing' })).json.data.Vpcs).toEqual([]);
    expect((await bx.get('/api/v1/vpc/describe', { provider: 'Nope' })).json).toEqual(PARAM_INVALID);
  });

  it('defaults the CIDR to 172.16.0.0/12 and refuses bad names, CIDRs and accounts', async () => {
    const { cidr_block: _omit, ...noCidr } = vpcBody();
    const id = (await bx.post('/api/v1/vpc/create', noCidr)).json.data;
    expect((await bx.get(`/api/v1/vpc/info/${id}`)).json.data.CidrBlock).toBe('172.16.0.0/12');
    for (const bad of [
      { vpc_name: '1abc' },
      { vpc_name: 'a' },
      { vpc_name: 'x'.repeat(65) },
      { vpc_name: 'http://x' },
      { vpc_name: 'has space' },
      { cidr_block: '10.10.0.1/16' },
      { cidr_block: '11.0.0.0/16' },
      { cidr_block: '10.0.0.0/25' },
      { ak: 'LTAI-unknown' },
      { ak: DEMO_TENCENT_ACCOUNT.ak },
      { provider: 'TencentCloud', ak: DEMO_TENCENT_ACCOUNT.ak },
      { region_id: 'cn-nowhere' },
    ])
      expect((await bx.post('/api/v1/vpc/create', vpcBody(bad))).json, JSON.stringify(bad)).toEqual(PARAM_INVALID);
    expect((await bx.post('/api/v1/vpc/create', vpcBody({ vpc_name: '测试.vpc_1-a' }))).json.code).toBe(200);
  });
});

describe('switches (subnets)', () => {
  const q = (extra: Record<string, string> = {}) => ({
    account_key: AK,
    zone_id: 'cn-qingdao-c',
    cidr_block: '172.16.1.0/24',
    vpc_id: DEMO_NETWORK.vpcId,
    switch_name: 'VSwitch-1',
    ...extra,
  });

  it('creates a switch with a GET and its query, or with a POST body', async () => {
    const id = (await bx.get('/api/v1/subnet/create', q())).json.data as string;
    expect(id).toMatch(/^vsw-m5e[0-9a-z]{18}$/);
    const posted = await bx.post('/api/v1/subnet/create', q({ cidr_block: '172.16.2.0/24', switch_name: 'posted' }));
    expect(posted.json.code).toBe(200);
    const info = await bx.get(`/api/v1/subnet/info/${id}`, { vpc_id: DEMO_NETWORK.vpcId });
    expect(info.json.data).toEqual({
      VpcId: DEMO_NETWORK.vpcId,
      SwitchId: id,
      ZoneId: 'cn-qingdao-c',
      SwitchName: 'VSwitch-1',
      CidrBlock: '172.16.1.0/24',
      GatewayIp: '172.16.1.254',
      VStatus: 'Pending',
      CreateAt: '2024-01-01 09:00:00 +0800 CST',
      IsDefault: 'N',
      AvailableIpAddressCount: 252,
    });
  });

  it('refuses CIDRs outside the VPC, overlapping, too small or too large, and foreign zones or accounts', async () => {
    const bads: Array<Record<string, string>> = [
      { cidr_block: '10.0.0.0/24' },
      { cidr_block: '172.16.0.128/25' },
      { cidr_block: '172.16.8.0/30' },
      { cidr_block: '172.16.0.0/15' },
      { zone_id: 'cn-beijing-h' },
      { account_key: DEMO_TENCENT_ACCOUNT.ak },
      { vpc_id: DEMO_CLOUD_ONLY_NETWORK.vpcId },
      { switch_name: '9lives' },
    ];
    for (const bad of bads)
      expect((await bx.get('/api/v1/subnet/create', q(bad))).json, JSON.stringify(bad)).toEqual(PARAM_INVALID);
    const { account_key: _a, ...withoutAk } = q();
    expect((await bx.get('/api/v1/subnet/create', withoutAk)).json).toEqual(PARAM_INVALID);
  });

  it('describes the switches of a VPC (vpc_id required) and checks vpc_id on the detail', async () => {
    const d = (await bx.get('/api/v1/subnet/describe', { vpc_id: DEMO_NETWORK.vpcId })).json.data;
    expect(d.Switches).toEqual([
      expect.objectContaining({ SwitchId: DEMO_NETWORK.subnetId, IsDefault: 'Y', VStatus: 'Available' }),
    ]);
    expect(d.Switches[0]).not.toHaveProperty('GatewayIp');
    expect(d.Pager).toEqual({ PageNumber: 1, PageSize: 10, Total: 1 });
    expect((await bx.get('/api/v1/subnet/describe', { vpc_id: 'vpc-none' })).json.data.Switches).toEqual([]);
    expect((await bx.get('/api/v1/subnet/describe')).json).toEqual(PARAM_INVALID);
    expect((await bx.get(`/api/v1/subnet/info/${DEMO_NETWORK.subnetId}`)).json).toEqual(PARAM_INVALID);
    const other = (await bx.post('/api/v1/vpc/create', vpcBody())).json.data;
    expect((await bx.get(`/api/v1/subnet/info/${DEMO_NETWORK.subnetId}`, { vpc_id: other })).json).toEqual(
      PARAM_INVALID,
    );
    expect((await bx.get('/api/v1/subnet/info/2', { vpc_id: '1' })).json.data.SwitchId).toBe(DEMO_NETWORK.subnetId);
  });
});

describe('security groups', () => {
  const sgBody = (rules: unknown[], extra: Record<string, unknown> = {}) => ({
    account_key: AK,
    vpc_id: DEMO_NETWORK.vpcId,
    security_group_name: 'web:sg_1-a',
    rules,
    ...extra,
  });

  it('creates a group with rules and shows them with hyphen ports, peers and collapsed duplicates', async () => {
    const ssh = { protocol: 'tcp', port_range: '22/22', direction: 'ingress', cidr_ip: '10.0.0.0/8' };
    const rules = [
      ssh,
      ssh,
      { protocol: 'udp', port_range: '1/65535', direction: 'ingress', cidr_ip: '10.0.0.5' },
      {
        protocol: 'icmp',
        port_range: '-1/-1',
        direction: 'ingress',
        group_id: DEMO_NETWORK.securityGroupId,
        cidr_ip: '1.2.3.0/24',
      },
      { protocol: 'all', port_range: '-1/-1', direction: 'egress', cidr_ip: '0.0.0.0/0' },
    ];
    const id = (await bx.post('/api/v1/security_group/create_with_rule', sgBody(rules))).json.data as string;
    expect(id).toMatch(/^sg-m5e[0-9a-z]{17}$/);
    const detail = (await bx.get(`/api/v1/security_group/${id}/rules`)).json.data;
    expect(detail).toEqual({
      security_group_id: id,
      security_group_name: 'web:sg_1-a',
      security_group_type: 'normal',
      rules: [
        {
          protocol: 'tcp',
          port_range: '22-22',
          direction: 'ingress',
          group_id: '',
          cidr_ip: '10.0.0.0/8',
          prefix_list_id: '',
        },
        {
          protocol: 'udp',
          port_range: '1-65535',
          direction: 'ingress',
          group_id: '',
          cidr_ip: '10.0.0.5',
          prefix_list_id: '',
        },
        {
          protocol: 'icmp',
          port_range: '',
          direction: 'ingress',
          group_id: DEMO_NETWORK.securityGroupId,
          cidr_ip: '',
          prefix_list_id: '',
        },
        {
          protocol: 'all',
          port_range: '',
          direction: 'egress',
          group_id: '',
          cidr_ip: '0.0.0.0/0',
          prefix_list_id: '',
        },
      ],
    });
    expect((await bx.get('/api/v1/security_group/3/rules')).json.data.security_group_id).toBe(
      DEMO_NETWORK.securityGroupId,
    );
  });

  it('refuses bad rules, names and accounts, and accepts an empty rule list', async () => {
    const rule = (r: Record<string, unknown>) => [
      { protocol: 'tcp', port_range: '80/80', direction: 'ingress', cidr_ip: '0.0.0.0/0', ...r },
    ];
    for (const rules of [
      rule({ port_range: '80-80' }),
      rule({ port_range: '0/80' }),
      rule({ port_range: '90/80' }),
      rule({ port_range: '1/65536' }),
      rule({ protocol: 'icmp' }),
      rule({ protocol: 'TCP' }),
      rule({ direction: 'inbound' }),
      rule({ cidr_ip: undefined }),
      rule({ cidr_ip: '300.0.0.0/8' }),
      rule({ cidr_ip: undefined, group_id: 'sg-unknown' }),
      Array.from({ length: 201 }, (_, i) => rule({ port_range: `${i + 1}/${i + 1}` })[0]),
    ])
      expect((await bx.post('/api/v1/security_group/create_with_rule', sgBody(rules))).json).toEqual(PARAM_INVALID);
    for (const extra of [{ security_group_name: 'a' }, { account_key: DEMO_TENCENT_ACCOUNT.ak }, { vpc_id: 'vpc-x' }])
      expect((await bx.post('/api/v1/security_group/create_with_rule', sgBody(rule({}), extra))).json).toEqual(
        PARAM_INVALID,
      );
    expect(
      (await bx.post('/api/v1/security_group/create_with_rule', { ...sgBody([]), rules: undefined })).json,
    ).toEqual(PARAM_INVALID);
    expect((await bx.post('/api/v1/security_group/create_with_rule', sgBody([]))).json.code).toBe(200);
  });

  it('describes the groups of a VPC (vpc_id required) in PascalCase', async () => {
    const d = (await bx.get('/api/v1/security_group/describe', { vpc_id: DEMO_NETWORK.vpcId, region_id: 'cn-qingdao' }))
      .json.data;
    expect(d).toEqual({
      Groups: [
        {
          VpcId: DEMO_NETWORK.vpcId,
          SecurityGroupId: DEMO_NETWORK.securityGroupId,
          SecurityGroupName: DEMO_NETWORK.securityGroupName,
          SecurityGroupType: 'normal',
          CreateAt: '2024-01-01 09:00:00 +0800 CST',
        },
      ],
      Pager: { PageNumber: 1, PageSize: 10, Total: 1 },
    });
    expect(
      (await bx.get('/api/v1/security_group/describe', { vpc_id: DEMO_NETWORK.vpcId, region_id: 'cn-beijing' })).json
        .data.Groups,
    ).toEqual([]);
    expect((await bx.get('/api/v1/security_group/describe')).json).toEqual(PARAM_INVALID);
    expect((await bx.get('/api/v1/security_group/describe/rules')).json).toEqual(PARAM_INVALID);
  });
});

describe('network config', () => {
  const body = {
    provider: 'AlibabaCloud',
    region_id: 'cn-qingdao',
    cidr_block: '192.168.0.0/16',
    vpc_name: 'v'.repeat(100),
    zone_id: 'cn-qingdao-b',
    switch_cidr_block: '192.168.7.0/24',
    switch_name: 'one-call-switch',
    security_group_name: 'one-call-sg',
    security_group_type: 'enterprise',
    ak: AK,
  };

  it('creates a VPC, a switch and an open group in one call and answers the VPC id', async () => {
    const vpcId = (await bx.post('/api/v1/network_config/create', body)).json.data as string;
    expect(vpcId).toMatch(/^vpc-/);
    const switches = (await bx.get('/api/v1/subnet/describe', { vpc_id: vpcId })).json.data.Switches;
    expect(switches).toEqual([expect.objectContaining({ CidrBlock: '192.168.7.0/24', SwitchName: 'one-call-switch' })]);
    const groups = (await bx.get('/api/v1/security_group/describe', { vpc_id: vpcId })).json.data.Groups;
    expect(groups).toEqual([expect.objectContaining({ SecurityGroupType: 'enterprise' })]);
    const rules = (await bx.get(`/api/v1/security_group/${groups[0].SecurityGroupId}/rules`)).json.data.rules;
    expect(rules.map((r: any) => [r.protocol, r.port_range, r.direction, r.cidr_ip])).toEqual([
      ['all', '', 'ingress', '0.0.0.0/0'],
      ['all', '', 'egress', '0.0.0.0/0'],
    ]);
  });

  it('makes nothing when one part is invalid', async () => {
    for (const bad of [
      { switch_cidr_block: '10.0.0.0/24' },
      { zone_id: 'cn-qigndao-b' },
      { security_group_type: 'basic' },
      { cidr_block: undefined },
      { vpc_name: 'v'.repeat(129) },
    ])
      expect((await bx.post('/api/v1/network_config/create', { ...body, ...bad })).json).toEqual(PARAM_INVALID);
    expect((await bx.get('/api/v1/vpc/describe')).json.data.Vpcs).toHaveLength(1);
  });

  it('offers the default template with integer ports', async () => {
    const t = (await bx.get('/api/v1/network_config/template', { provider: 'TencentCloud' })).json.data;
    expect(t).toMatchObject({
      provider: 'TencentCloud',
      region_id: '',
      cidr_block: '10.0.0.0/16',
      switch_cidr_block: '10.0.0.0/24',
      gateway_ip: '10.0.0.254',
      security_group_type: 'normal',
      ak: '',
    });
    expect(t.rules).toEqual([
      {
        protocol: 'all',
        port_from: 0,
        port_to: 0,
        direction: 'ingress',
        group_id: '',
        cidr_ip: '0.0.0.0/0',
        prefix_list_id: '',
      },
      {
        protocol: 'all',
        port_from: 0,
        port_to: 0,
        direction: 'egress',
        group_id: '',
        cidr_ip: '0.0.0.0/0',
        prefix_list_id: '',
      },
    ]);
  });
});
