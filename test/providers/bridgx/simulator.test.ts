import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BRIDGX_MACHINE_STATUSES,
  DEMO_ACCOUNT,
  DEMO_CLUSTER_SPEC,
  DEMO_NETWORK,
  DEMO_TOKEN,
  DEMO_USER,
  DEFAULT_CATALOG,
  DEFAULT_NETWORKS,
} from '../../../src/providers/bridgx/simulator.ts';
import { type BxHarness, PARAM_INVALID, PASSWORD, T0, startBridgx, taskIdOf } from './simulator-client.ts';

let bx: BxHarness;
beforeAll(async () => {
  bx = await startBridgx();
});
afterAll(() => bx.close());
beforeEach(async () => {
  await bx.control('POST', '/reset', {});
  await bx.control('POST', '/clock', { setMs: T0 });
});

describe('envelope', () => {
  it('answers a success as HTTP 200 {code:200, msg:"success", data}', async () => {
    const r = await bx.get('/api/v1/region/list', { provider: 'AlibabaCloud' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(r.json)).toEqual(['code', 'msg', 'data']);
    expect(r.json).toMatchObject({ code: 200, msg: 'success' });
  });

  it('refuses bad input with HTTP 400 and the one documented error body', async () => {
    const refused = [
      await bx.get('/api/v1/region/list'),
      await bx.get('/api/v1/region/list', { provider: 'alibabacloud' }),
      await bx.post('/api/v1/cluster/expand', { cluster_name: 'nope', task_name: 'x', count: 1 }),
      await bx.get('/api/v1/instance/id/describe', { instance_id: 'i-unknown' }),
      await bx.get('/api/v1/vpc/info/vpc-unknown'),
      await bx.get('/api/v1/instance/usage_total'),
    ];
    for (const r of refused) expect([r.status, r.json]).toEqual([400, PARAM_INVALID]);
  });

  it('reads a JSON body whatever its content type, and refuses a body it cannot read', async () => {
    const body = JSON.stringify({ ...DEMO_CLUSTER_SPEC, name: 'typed-as-text', password: PASSWORD });
    const asText = await bx.call('POST', '/api/v1/cluster/create', { raw: { text: body, contentType: 'text/plain' } });
    expect(asText.json).toEqual({ code: 200, msg: 'success', data: 'typed-as-text' });
    const untyped = await bx.call('POST', '/api/v1/cluster/create', {
      raw: { text: body.replace('typed-as-text', 'untyped'), contentType: 'application/x-anything' },
    });
    expect(untyped.json.data).toBe('untyped');
    const broken = await bx.call('POST', '/api/v1/cluster/create', {
      raw: { text: '{"name":', contentType: 'application/json' },
    });
    expect([broken.status, broken.json]).toEqual([400, PARAM_INVALID]);
    const empty = await bx.call('POST', '/api/v1/cluster/expand', { raw: { text: '' } });
    expect([empty.status, empty.json]).toEqual([400, PARAM_INVALID]);
  });

  it('answers an unknown path or a wrong method with the router plain-text 404', async () => {
    for (const r of [await bx.get('/api/v1/nothing'), await bx.get('/api/v1/cluster/create')]) {
      expect(r.status).toBe(404);
      expect(r.text).toBe('404 page not found');
      expect(r.headers['content-type']).toMatch(/^text\/plain/);
    }
  });
});

describe('optional bearer token (A1)', () => {
  it('serves calls with no token and with the demo token alike', async () => {
    const anonymous = await bx.get('/api/v1/vpc/describe');
    const withToken = await bx.get('/api/v1/vpc/describe', {}, DEMO_TOKEN);
    expect(anonymous.json.data.Vpcs).toHaveLength(1);
    expect(withToken.json).toEqual(anonymous.json);
  });

  it('refuses an unknown token or another scheme with 401 in the envelope', async () => {
    const unknown = await bx.get('/api/v1/vpc/describe', {}, 'not-a-token');
    expect([unknown.status, unknown.json]).toEqual([401, { code: 401, msg: 'unauthorized', data: null }]);
    const basic = await bx.call('GET', '/api/v1/vpc/describe', { headers: { authorization: `Basic ${DEMO_TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it('refuses token-less calls once the control API requires a token', async () => {
    expect((await bx.control('PATCH', '/bridgx/auth', { requireToken: true })).json).toEqual({ requireToken: true });
    const r = await bx.get('/api/v1/task/list');
    expect([r.status, r.json]).toEqual([401, { code: 401, msg: 'unauthorized', data: null }]);
    expect((await bx.get('/api/v1/task/list', {}, DEMO_TOKEN)).json.code).toBe(200);
  });

  it('names the token user as create_by and leaves it empty without a token', async () => {
    const spec = { ...DEMO_CLUSTER_SPEC, password: PASSWORD };
    await bx.post('/api/v1/cluster/create', { ...spec, name: 'by-token' }, DEMO_TOKEN);
    await bx.post('/api/v1/cluster/create', { ...spec, name: 'anonymous' });
    const list = (await bx.get('/api/v1/cluster/describe_all')).json.data.cluster_list;
    expect(list.map((c: any) => [c.cluster_name, c.create_by])).toEqual([
      ['by-token', DEMO_USER],
      ['anonymous', ''],
    ]);
  });
});

describe('organizations', () => {
  it('keeps each organization to its own accounts, networks and clusters', async () => {
    const other = { ak: 'LTAI5tOtherOrgAccount001', provider: 'AlibabaCloud' as const, name: 'other' };
    const h = await startBridgx({
      orgs: [
        { id: '1', name: 'first', user: 'alice', accounts: [DEMO_ACCOUNT], tokens: ['t-first'] },
        { id: '2', name: 'second', user: 'bob', accounts: [other], tokens: ['t-second'] },
      ],
      networks: DEFAULT_NETWORKS,
    });
    try {
      expect((await h.get('/api/v1/vpc/describe', {}, 't-second')).json.data.Vpcs).toEqual([]);
      const foreign = await h.post(
        '/api/v1/vpc/create',
        { provider: 'AlibabaCloud', region_id: 'cn-qingdao', vpc_name: 'x-vpc', ak: DEMO_ACCOUNT.ak },
        't-second',
      );
      expect(foreign.json).toEqual(PARAM_INVALID);
      const own = await h.post(
        '/api/v1/vpc/create',
        { provider: 'AlibabaCloud', region_id: 'cn-qingdao', vpc_name: 'b-vpc', ak: other.ak },
        't-second',
      );
      expect(own.json.data).toMatch(/^vpc-m5e[0-9a-z]{18}$/);
      expect((await h.get('/api/v1/vpc/describe', {}, 't-first')).json.data.Vpcs).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('refusals inside HTTP 200 (A2)', () => {
  it('answers refusals with HTTP 200 when set to, keeping the envelope code', async () => {
    const h = await startBridgx({ refusalHttpStatus: 'ok', requireToken: true });
    try {
      const bad = await h.get('/api/v1/region/list', {}, DEMO_TOKEN);
      expect([bad.status, bad.json]).toEqual([200, PARAM_INVALID]);
      const noToken = await h.get('/api/v1/region/list', { provider: 'AWSCloud' });
      expect([noToken.status, noToken.json.code]).toEqual([200, 401]);
    } finally {
      await h.close();
    }
  });
});

describe('injected faults in the BridgX wire (A37)', () => {
  const addFault = async (rule: Record<string, unknown>) =>
    expect((await bx.control('POST', '/faults', rule)).status).toBe(201);

  it('renders http_error, refuse, rate_limit, malformed and timeout', async () => {
    await addFault({ op: 'regions.list', kind: 'http_error', status: 503, times: 1 });
    const down = await bx.get('/api/v1/region/list', { provider: 'AWSCloud' });
    expect([down.status, down.json]).toEqual([503, { code: 503, msg: 'service_unavailable', data: null }]);

    await addFault({ op: 'regions.list', kind: 'refuse', times: 1 });
    const refused = await bx.get('/api/v1/region/list', { provider: 'AWSCloud' });
    expect([refused.status, refused.json]).toEqual([400, PARAM_INVALID]);

    // A failure inside HTTP 200: a client must read the envelope, not the status line.
    await addFault({
      op: 'regions.list',
      kind: 'refuse',
      status: 200,
      code: '400',
      message: 'param_invalid',
      times: 1,
    });
    const inside = await bx.get('/api/v1/region/list', { provider: 'AWSCloud' });
    expect([inside.status, inside.json]).toEqual([200, PARAM_INVALID]);

    await addFault({ op: 'tasks.list', kind: 'rate_limit', retryAfterSec: 2, times: 1 });
    const limited = await bx.get('/api/v1/task/list');
    expect([limited.status, limited.headers['retry-after'], limited.json]).toEqual([
      429,
      '2',
      { code: 429, msg: 'too_many_requests', data: null },
    ]);

    await addFault({ op: 'tasks.list', kind: 'malformed', times: 1 });
    const broken = await bx.get('/api/v1/task/list');
    expect(broken.status).toBe(200);
    expect(broken.text.startsWith('{"code":200,"msg":"success"')).toBe(true);
    expect(() => JSON.parse(broken.text)).toThrow();

    await addFault({ op: 'tasks.list', kind: 'malformed', malformed: 'wrong_shape', times: 1 });
    expect((await bx.get('/api/v1/task/list')).json).toEqual({ code: 200, msg: 'success', data: 'unexpected' });

    await addFault({ op: 'instances.list', kind: 'timeout', holdMs: 10, times: 1 });
    const slow = await bx.get('/api/v1/instance/describe_all');
    expect([slow.status, slow.json]).toEqual([504, { code: 504, msg: 'gateway_timeout', data: null }]);

    await addFault({ op: 'clusters.list', kind: 'refuse', status: 409, code: 'cluster_busy', times: 1 });
    const busy = await bx.get('/api/v1/cluster/describe_all');
    expect([busy.status, busy.json]).toEqual([409, { code: 409, msg: 'cluster_busy', data: null }]);
  });

  it('acts on a lost-answer expand: no answer arrives, the task is in the list', async () => {
    await bx.cluster('lost');
    await addFault({ op: 'tasks.expand', kind: 'lost_answer', times: 1 });
    await expect(
      bx.post('/api/v1/cluster/expand', { cluster_name: 'lost', task_name: 'l', count: 1 }),
    ).rejects.toThrow();
    const list = (await bx.get('/api/v1/task/list')).json.data.task_list;
    expect(list).toEqual([expect.objectContaining({ cluster_name: 'lost', task_action: 'EXPAND', task_name: 'l' })]);
    expect((await bx.control('GET', '/calls')).json.counts['tasks.expand']).toBe(1);
  });
});

describe('control API', () => {
  it('lists machines with BridgX statuses, forces each one, and resets to the seed', async () => {
    await bx.cluster('ctl');
    await bx.expand('ctl', 1);
    await bx.advance(500);
    const inv = (await bx.control('GET', '/instances')).json;
    expect(inv.items).toEqual([expect.objectContaining({ state: 'creating', status: 'Pending' })]);
    const id = inv.items[0].id as string;
    for (const status of BRIDGX_MACHINE_STATUSES.filter((s) => s !== 'Deleted')) {
      expect((await bx.control('POST', `/instances/${id}/force`, { status })).status).toBe(200);
      expect((await bx.machines())[0].status).toBe(status);
    }
    expect((await bx.control('POST', `/instances/${id}/force`, { status: 'Deleted' })).status).toBe(400);
    expect((await bx.control('POST', `/instances/${id}/force`, { to: 'gone' })).status).toBe(204);
    expect((await bx.machines())[0].status).toBe('Deleted');
    await bx.control('POST', `/reset`, { seed: 9 });
    expect((await bx.machines()).length).toBe(0);
    expect((await bx.get('/api/v1/cluster/describe_all')).json.data.cluster_list).toEqual([]);
    expect((await bx.get('/api/v1/vpc/describe')).json.data.Vpcs).toHaveLength(1);
  });

  it('makes the same seed produce the same ids', async () => {
    const ids = async () => {
      await bx.control('POST', '/reset', { seed: 42 });
      const vpc = await bx.post('/api/v1/vpc/create', {
        provider: 'AlibabaCloud',
        region_id: 'cn-beijing',
        vpc_name: 'same-seed',
        ak: DEMO_ACCOUNT.ak,
      });
      await bx.cluster('seeded');
      return [vpc.json.data, await bx.expand('seeded', 1)];
    };
    const first = await ids();
    expect(await ids()).toEqual(first);
    expect(first[0]).toMatch(/^vpc-2ze[0-9a-z]{18}$/);
  });

  it('tunes task timings and refuses bad values', async () => {
    expect((await bx.control('PATCH', '/bridgx/timing', { taskMinMs: 2000 })).json).toMatchObject({
      taskMinMs: 2000,
      taskStartMs: 500,
    });
    expect((await bx.control('PATCH', '/bridgx/timing', { taskMinMs: -1 })).status).toBe(400);
    expect((await bx.control('PATCH', '/bridgx/timing', { nope: 1 })).status).toBe(400);
    expect((await bx.control('POST', '/bridgx/task-failures', { failures: 0 })).status).toBe(400);
  });

  it('counts calls per operation name', async () => {
    await bx.get('/api/v1/region/list', { provider: 'AlibabaCloud' });
    await bx.get(`/api/v1/security_group/${DEMO_NETWORK.securityGroupId}/rules`);
    await bx.call('GET', '/api/v1/subnet/create', { query: {} });
    expect((await bx.control('GET', '/calls')).json.counts).toEqual({
      'regions.list': 1,
      'security_groups.rules': 1,
      'subnets.create': 1,
    });
  });

  it('seeds every provider with regions', async () => {
    for (const provider of new Set(DEFAULT_CATALOG.regions.map((r) => r.provider))) {
      const r = await bx.get('/api/v1/region/list', { provider });
      expect(r.json.data.length).toBeGreaterThan(0);
    }
  });

  it('writes the expand answer as a bare JSON number even past 2^53', async () => {
    await bx.cluster('big-ids');
    const r = await bx.post('/api/v1/cluster/expand', { cluster_name: 'big-ids', task_name: '', count: 1 });
    const id = taskIdOf(r);
    expect(BigInt(id) > 2n ** 53n).toBe(true);
    // The hazard a client must avoid: JSON.parse rounds the id to a different number.
    expect(String(r.json.data)).not.toBe(id);
  });
});
