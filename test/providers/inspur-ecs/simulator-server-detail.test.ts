/**
 * Server details and tags of the Inspur ECS simulator over HTTP (ops 2, 10, 11): the server's
 * wire shape in the examples' spellings, its units and time formats, and whole-set tags.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_REGION,
  DEMO_SERVERS,
  DEMO_SUBNET,
  DEMO_TENANT,
  DEMO_VPC,
  DEMO_ZONE,
} from '../../../src/providers/inspur-ecs/simulator.ts';
import { type InspurSim, refusalOf, startInspur } from './simulator-harness.ts';

const [WEB1, WEB2, DB1] = DEMO_SERVERS.map((s) => s.id as string) as [string, string, string];

let s: InspurSim;
beforeAll(async () => {
  s = await startInspur();
});
afterAll(() => s.close());
beforeEach(() => s.reset());

const param = (name: string) => `参数${name}不符合规范`;

describe('server details: GET /v1/servers/{server_id} (op 2)', () => {
  it('answers the server in the examples’ shape (A23–A26)', async () => {
    // The servers are seeded on reset, at the clock's time.
    await s.control('POST', '/clock', { setMs: Date.UTC(2024, 4, 1, 8, 0, 0) });
    await s.reset();
    const r = await s.call('GET', `/v1/servers/${WEB1}`);
    expect(r.status).toBe(200);
    expect(r.json.code).toBe(200);
    expect(r.json.message).toBe('OK');
    const server = r.json.data.server;
    expect(server).toMatchObject({
      regionID: DEMO_REGION,
      availability_zone: DEMO_ZONE,
      name: 'demo-web-1',
      id: WEB1,
      status: 'active',
      task_state: null,
      image: { id: expect.any(String), name: 'centos7.9-x86_64', systemType: 'Linux', tags: ['centos', 'ECS'] },
      root_volume: { volumetype: 'SATA', size: 50 },
      data_volumes: [],
      flavor: { disk: 50, ephemeral: 0, original_name: 's1.medium.2', ram: 4, swap: 0, vcpus: 2 },
      security_groups: [{ name: 'default' }],
      vpcid: DEMO_VPC.id,
      vpcname: DEMO_VPC.name,
      hostId: expect.any(String),
      nics: [
        {
          subnet_id: DEMO_SUBNET.id,
          subnet_name: DEMO_SUBNET.name,
          subnet_cidr: DEMO_SUBNET.cidr,
          network_id: DEMO_SUBNET.networkId,
          mac_address: expect.stringMatching(/^fa:16:3e(:[0-9a-f]{2}){3}$/),
          fixed_ip: expect.stringMatching(/^10\.20\.30\.\d+$/),
          portid: expect.any(String),
        },
      ],
      eip: { iptype: '5_bgp', bandwidth: 10, chargemode: 'Bandwidth', ip_addr: expect.any(String) },
      key_name: 'demo-keypair',
      feeData: {
        chargetype: 'monthly',
        startFeeTime: '2024-05-01 16:00:00',
        nextFeeTime: '2024-05-31 16:00:00',
      },
      created: '2024-05-01T08:00:00Z',
      keyCloakUserId: DEMO_TENANT.userId,
      keyCloakUserName: DEMO_TENANT.userName,
    });
    expect(server).not.toHaveProperty('regionId');
    // The list view carries the same fields but the console user.
    const listed = (await s.call('GET', `/v1/servers/1/10?searchField=uuid&searchValue=${WEB1}`)).json.data.servers[0];
    const { keyCloakUserId: _id, keyCloakUserName: _name, ...rest } = server;
    expect(listed).toEqual(rest);
  });

  it('says null for a server without an elastic IP (A24) and renders the same on every read', async () => {
    const a = await s.call('GET', `/v1/servers/${DB1}`);
    expect(a.json.data.server).toMatchObject({ status: 'shutoff', eip: null });
    expect((await s.call('GET', `/v1/servers/${DB1}`)).json).toEqual(a.json);
  });

  it('answers 101.001033 at HTTP 400 for a server that does not exist', async () => {
    expect(refusalOf(await s.call('GET', '/v1/servers/0b6b0d4e-0000-4000-8000-000000000000'))).toEqual({
      status: 400,
      code: '101.001033',
      message: '云服务器0b6b0d4e-0000-4000-8000-000000000000不存在',
      data: null,
    });
  });

  it('emits upper-case statuses when configured, and reads a forced status in any case', async () => {
    const upper = await startInspur({ statusCase: 'upper' });
    try {
      await upper.control('POST', `/instances/${WEB2}/force`, { status: 'paused' });
      expect((await upper.call('GET', `/v1/servers/${WEB2}`)).json.data.server.status).toBe('PAUSED');
      expect((await upper.call('GET', `/v1/servers/${WEB1}`)).json.data.server.status).toBe('ACTIVE');
    } finally {
      await upper.close();
    }
  });
});

describe('server tags (ops 10, 11)', () => {
  const tagsOf = async (id = WEB1) => (await s.call('GET', `/v1/servers/${id}/tags`)).json.data.tags;

  it('replaces the whole set from a comma-separated query value, trimmed and without duplicates (A27, A28)', async () => {
    const r = await s.call('POST', `/v1/servers/${WEB1}/tags?tags=${encodeURIComponent(' prod, web ,prod,,db ')}`);
    expect(r.json).toEqual({ code: 200, message: 'OK', data: null });
    expect(await tagsOf()).toEqual(['prod', 'web', 'db']);
  });

  it('takes the tags from a form or a JSON body too', async () => {
    await s.call('POST', `/v1/servers/${WEB1}/tags`, undefined, {
      raw: { body: 'tags=a%2Cb', contentType: 'application/x-www-form-urlencoded' },
    });
    expect(await tagsOf()).toEqual(['a', 'b']);
    await s.call('POST', `/v1/servers/${WEB1}/tags`, { tags: 'c' });
    expect(await tagsOf()).toEqual(['c']);
  });

  it('clears the tags when the value is empty or absent', async () => {
    await s.call('POST', `/v1/servers/${WEB1}/tags?tags=`);
    expect(await tagsOf()).toEqual([]);
    await s.call('POST', `/v1/servers/${WEB2}/tags`);
    expect(await tagsOf(WEB2)).toEqual([]);
  });

  it('refuses a value that is not a string, and an unknown server', async () => {
    expect(refusalOf(await s.call('POST', `/v1/servers/${WEB1}/tags`, { tags: ['a', 'b'] }))).toMatchObject({
      status: 400,
      code: '101.001002',
      message: param('tags'),
    });
    expect(refusalOf(await s.call('POST', '/v1/servers/nope/tags?tags=a'))).toMatchObject({ code: '101.001033' });
    expect(refusalOf(await s.call('GET', '/v1/servers/nope/tags'))).toMatchObject({ code: '101.001033' });
  });
});
