import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CATALOG,
  H3C_SERVER_STATUSES,
  createH3cSimulator,
} from '../../../src/providers/h3c-cloudos/simulator.ts';
import { type RunningSimulator, createManualClock, startSimulator } from '../../../src/sim/index.ts';

const clock = createManualClock();
const OTHER = { id: '66b6b770-d079-44a8-8cd9-3348bb185f60', name: 'chengdu', domain: 'Default' };
const h3c = createH3cSimulator({
  clock,
  seed: 11,
  tokenTtlMs: 60_000,
  config: { delays: { bootMs: 3000, stopMs: 1000, startMs: 1000, rebootMs: 500, deleteMs: 1000 } },
  projects: [{ id: '9052ae85792143ff955c35c52e8e41bd', name: 'admin', domain: 'Default' }, OTHER],
  users: [
    {
      id: '1df71957d770436493a84f24d9344853',
      name: 'admin',
      password: 'cloudos',
      domain: 'Default',
      projects: ['admin'],
    },
    { id: '2ef71957d770436493a84f24d9344854', name: 'cd', password: 'pw', domain: 'Default', projects: ['chengdu'] },
  ],
});
const T = h3c.defaultProjectId;
const TOKEN = 'h3c-static-token';
const BASE = `/os/compute/v1/v2/${T}`;
const zone = DEFAULT_CATALOG.zones[0]!;
const flavor = DEFAULT_CATALOG.flavors[0]!;
const image = DEFAULT_CATALOG.images[0]!;
const network = DEFAULT_CATALOG.networks[0]!;
let sim: RunningSimulator;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
async function call(method: Method, path: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['x-auth-token'] = token;
  const res = await request(`${sim.baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json: json as any };
}

function serverBody(name: string, extra: Record<string, unknown> = {}) {
  return {
    server: {
      name,
      imageRef: image.id,
      flavorRef: flavor.id,
      networks: [{ uuid: network.id, enable_gateway: 'true' }],
      security_groups: [{ name: 'default' }],
      metadata: { user_name: 'admin', zone_uuid: zone.id, enableAdminPass: '1', cp_marker: `marker-${name}` },
      availability_zone: zone.zone,
      ...extra,
    },
  };
}

async function create(name: string, token = TOKEN, tenant = T) {
  const r = await call('POST', `/os/compute/v1/v2/${tenant}/servers`, serverBody(name), token);
  expect(r.status).toBe(202);
  return r.json.server.id as string;
}
const status = async (id: string) =>
  (await call('GET', `${BASE}/servers/${id}`)).json?.server?.status as string | undefined;
const expectH3cError = (r: { json: any }, code: string) =>
  expect(r.json).toEqual({ code, msg: expect.any(String), data: null, total: 0 });

beforeAll(async () => {
  sim = await startSimulator(h3c.app);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await call('POST', '/_sim/reset', {}, null);
});

describe('auth', () => {
  const login = (user: string, password: string, project = 'admin') =>
    call(
      'POST',
      '/v3/auth/tokens',
      {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, domain: { name: 'Default' }, password } },
          },
          scope: { project: { name: project, domain: { name: 'Default' } } },
        },
      },
      null,
    );

  it('accepts the static token and rejects a missing or unknown one with 401 in the H3C shape', async () => {
    expect((await call('GET', `${BASE}/servers`)).status).toBe(200);
    const missing = await call('GET', `${BASE}/servers`, undefined, null);
    expect(missing.status).toBe(401);
    expectH3cError(missing, '401');
    expect((await call('GET', `${BASE}/servers`, undefined, 'bogus')).status).toBe(401);
  });

  it('issues a token on password login that expires after its TTL and on demand', async () => {
    const r = await login('admin', 'cloudos');
    expect(r.status).toBe(201);
    const token = r.headers['x-subject-token'] as string;
    expect(token).toBeTruthy();
    expect(r.json.token).toMatchObject({
      expires_at: new Date(clock.now() + 60_000).toISOString(),
      project: { id: T },
    });
    expect((await call('GET', `${BASE}/servers`, undefined, token)).status).toBe(200);
    clock.advance(60_000);
    const expired = await call('GET', `${BASE}/servers`, undefined, token);
    expect(expired.status).toBe(401);
    expectH3cError(expired, '401');
    const again = (await login('admin', 'cloudos')).headers['x-subject-token'] as string;
    expect((await call('GET', `${BASE}/servers`, undefined, again)).status).toBe(200);
    await call('POST', '/_sim/tokens/expire', {}, null);
    expect((await call('GET', `${BASE}/servers`, undefined, again)).status).toBe(401);
    expect((await call('GET', `${BASE}/servers`)).status).toBe(200);
  });

  it('answers 401 to a wrong password and 400 to a malformed login', async () => {
    const r = await login('admin', 'nope');
    expect(r.status).toBe(401);
    expectH3cError(r, '401');
    expect((await call('POST', '/v3/auth/tokens', { auth: {} }, null)).status).toBe(400);
  });

  it('shows each project only its own servers and refuses another project in the path', async () => {
    const cdToken = (await login('cd', 'pw', 'chengdu')).headers['x-subject-token'] as string;
    const mine = await create('cp-aaaa0001-1');
    clock.advance(3000);
    expect((await call('GET', `/os/compute/v1/v2/${OTHER.id}/servers`, undefined, cdToken)).json.servers).toEqual([]);
    expect((await call('GET', `/os/compute/v1/v2/${OTHER.id}/servers/${mine}`, undefined, cdToken)).status).toBe(404);
    const cross = await call('GET', `${BASE}/servers`, undefined, cdToken);
    expect(cross.status).toBe(403);
    expectH3cError(cross, '403');
  });
});

describe('server lifecycle', () => {
  it('creates with 202, shows BUILD, then ACTIVE after the boot delay', async () => {
    const r = await call('POST', `${BASE}/servers`, serverBody('cp-1a2b3c4d-1'));
    expect(r.status).toBe(202);
    expect(r.json.server).toMatchObject({
      id: expect.any(String),
      'OS-DCF:diskConfig': 'MANUAL',
      adminPass: expect.any(String),
      security_groups: [{ name: 'default' }],
    });
    const id = r.json.server.id;
    const got = (await call('GET', `${BASE}/servers/${id}`)).json.server;
    expect(got).toMatchObject({
      status: 'BUILD',
      'OS-EXT-STS:vm_state': 'building',
      'OS-EXT-STS:task_state': 'spawning',
      tenant_id: T,
      flavor: { id: flavor.id },
      image: { id: image.id },
    });
    expect(typeof got.created).toBe('number');
    clock.advance(3000);
    expect((await call('GET', `${BASE}/servers/${id}`)).json.server).toMatchObject({
      status: 'ACTIVE',
      'OS-EXT-STS:power_state': 1,
      'OS-EXT-AZ:availability_zone': zone.zone,
    });
  });

  it('stops, starts and reboots through their documented action bodies', async () => {
    const id = await create('cp-1a2b3c4d-2');
    clock.advance(3000);
    const act = (body: unknown) => call('POST', `${BASE}/servers/${id}/action`, body);
    expect((await act({ 'os-stop': null })).status).toBe(202);
    expect((await call('GET', `${BASE}/servers/${id}`)).json.server).toMatchObject({
      status: 'ACTIVE',
      'OS-EXT-STS:task_state': 'powering-off',
    });
    clock.advance(1000);
    expect(await status(id)).toBe('SHUTOFF');
    const again = await act({ 'os-stop': null });
    expect(again.status).toBe(409);
    expectH3cError(again, '409');
    expect((await act({ 'os-start': null })).status).toBe(202);
    clock.advance(1000);
    expect(await status(id)).toBe('ACTIVE');
    expect((await act({ reboot: { type: 'HARD' } })).status).toBe(202);
    expect(await status(id)).toBe('HARD_REBOOT');
    clock.advance(500);
    expect((await act({ reboot: { type: 'SOFT' } })).status).toBe(202);
    expect(await status(id)).toBe('REBOOT');
    clock.advance(500);
    const consoleRes = await act({ 'os-getVNCConsole': { type: 'novnc' } });
    expect(consoleRes.status).toBe(200);
    expect(consoleRes.json.console).toMatchObject({
      type: 'novnc',
      url: expect.stringContaining('vnc_auto.html?token='),
    });
    expect((await act({ bogus: null })).status).toBe(400);
    const counts = (await call('GET', '/_sim/calls', undefined, null)).json.counts;
    expect(counts).toMatchObject({
      'servers.stop': 2,
      'servers.start': 1,
      'servers.reboot': 2,
      'servers.console': 1,
      'servers.action': 1,
    });
  });

  it('deletes with 204, shows DELETED, then answers 404 in the H3C shape', async () => {
    const id = await create('cp-1a2b3c4d-3');
    clock.advance(3000);
    expect((await call('DELETE', `${BASE}/servers/${id}`)).status).toBe(204);
    expect(await status(id)).toBe('DELETED');
    clock.advance(1000);
    const gone = await call('GET', `${BASE}/servers/${id}`);
    expect(gone.status).toBe(404);
    expectH3cError(gone, '404');
    expect((await call('DELETE', `${BASE}/servers/${id}`)).status).toBe(404);
  });

  it('rejects missing fields and unknown references with 400', async () => {
    const noNet = serverBody('cp-x-1') as any;
    delete noNet.server.networks;
    expectH3cError(await call('POST', `${BASE}/servers`, noNet), '400');
    expect((await call('POST', `${BASE}/servers`, serverBody('cp-x-2', { flavorRef: 'nope' }))).status).toBe(400);
    expect((await call('POST', `${BASE}/servers`, serverBody('cp-x-3', { imageRef: 'nope' }))).status).toBe(400);
    expect(
      (await call('POST', `${BASE}/servers`, serverBody('cp-x-4', { availability_zone: 'elsewhere' }))).status,
    ).toBe(400);
    expect((await call('POST', `${BASE}/servers`, serverBody('9-bad-name'))).status).toBe(400);
    expect(
      (
        await call(
          'POST',
          `${BASE}/servers`,
          serverBody('cp-x-5', { networks: [{ uuid: network.id, enable_gateway: true }] }),
        )
      ).status,
    ).toBe(400);
    expect((await call('GET', '/_sim/instances', undefined, null)).json.total).toBe(0);
  });
});

describe('lists', () => {
  it('pages the detail list newest first with limit and marker', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await create(`cp-page0001-${n}`));
    clock.advance(3000);
    const p1 = await call('GET', `${BASE}/servers/detail?limit=2`);
    expect(p1.json.servers.map((s: any) => s.id)).toEqual([ids[4], ids[3]]);
    expect(p1.json.servers_links[0]).toMatchObject({ rel: 'next', href: expect.stringContaining(`marker=${ids[3]}`) });
    const p2 = await call('GET', `${BASE}/servers/detail?limit=2&marker=${ids[3]}`);
    const p3 = await call('GET', `${BASE}/servers/detail?limit=2&marker=${p2.json.servers[1].id}`);
    expect([...p2.json.servers, ...p3.json.servers].map((s: any) => s.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(p3.json.servers_links).toBeUndefined();
    expect((await call('GET', `${BASE}/servers/detail?marker=unknown`)).status).toBe(400);
  });

  it('filters by name regex and status, on both lists, and returns the metadata marker', async () => {
    await create('cp-aaaa0001-1');
    await create('cp-bbbb0002-1');
    clock.advance(3000);
    const byName = await call('GET', `${BASE}/servers?name=${encodeURIComponent('^cp-bbbb0002-')}`);
    expect(byName.json.servers.map((s: any) => s.name)).toEqual(['cp-bbbb0002-1']);
    const detail = await call('GET', `${BASE}/servers/detail?name=cp-aaaa0001-1&status=ACTIVE`);
    expect(detail.json.servers).toHaveLength(1);
    expect(detail.json.servers[0].metadata).toMatchObject({ cp_marker: 'marker-cp-aaaa0001-1', zone_uuid: zone.id });
    expect((await call('GET', `${BASE}/servers/detail?status=SHUTOFF`)).json.servers).toEqual([]);
  });

  it('lags new servers in lists by the configured delay', async () => {
    await call('PATCH', '/_sim/config', { listLagMs: 2000 }, null);
    const id = await create('cp-lag00001-1');
    expect((await call('GET', `${BASE}/servers`)).json.servers).toEqual([]);
    expect(await status(id)).toBe('BUILD');
    clock.advance(2000);
    expect((await call('GET', `${BASE}/servers`)).json.servers.map((s: any) => s.id)).toEqual([id]);
  });
});

describe('catalog', () => {
  it('serves flavors, images, AZs and keypairs in their documented shapes', async () => {
    const flavors = await call('GET', `${BASE}/flavors/detail`);
    expect(flavors.json.flavors[0]).toMatchObject({ id: flavor.id, vcpus: '1', ram: '1024', swap: '' });
    expect((await call('GET', `${BASE}/flavors`)).json.flavors[0]).toEqual({
      id: flavor.id,
      name: flavor.name,
      links: expect.any(Array),
    });
    expect((await call('GET', `${BASE}/flavors/${flavor.id}`)).json.flavor.id).toBe(flavor.id);
    expect((await call('GET', `${BASE}/flavors/nope`)).status).toBe(404);
    const images = await call('GET', '/os/image/v1/v2/images?limit=2');
    expect(images.json.images).toHaveLength(2);
    expect(images.json.next).toContain('marker=');
    expect((await call('GET', `/os/image/v1/v2/images/${image.id}`)).json).toMatchObject({
      id: image.id,
      status: 'active',
      disk_format: 'qcow2',
    });
    const zones = await call('GET', '/os/compute/v1/cloudos/azones');
    expect(zones.json[0]).toMatchObject({ id: zone.id, zone: zone.zone, virtType: 'CAS' });
    expect((await call('GET', `/os/compute/v1/cloudos/azones/${zone.id}`)).json.labelName).toBe(zone.labelName);

    const kp = await call('POST', `${BASE}/os-keypairs`, { keypair: { name: 'mykey', type: 'ssh' } });
    expect(kp.json.keypair).toMatchObject({
      name: 'mykey',
      private_key: expect.stringContaining('PRIVATE KEY'),
      fingerprint: expect.any(String),
    });
    expect((await call('POST', `${BASE}/os-keypairs`, { keypair: { name: 'mykey', type: 'ssh' } })).status).toBe(409);
    expect((await call('GET', `${BASE}/os-keypairs`)).json.keypairs).toEqual([
      { keypair: { name: 'mykey', public_key: expect.any(String), fingerprint: expect.any(String) } },
    ]);
    expect((await call('GET', `${BASE}/keypairs/mykey`)).json.keypair).toMatchObject({ id: 1, deleted: false });
    expect((await call('POST', `${BASE}/servers`, serverBody('cp-key-1', { key_name: 'mykey' }))).status).toBe(202);
    expect((await call('DELETE', `${BASE}/keypairs/mykey`)).status).toBe(202);
    expect((await call('GET', `${BASE}/keypairs/mykey`)).status).toBe(404);
  });
});

describe('faults in the H3C error shape', () => {
  const addFault = (rule: Record<string, unknown>) => call('POST', '/_sim/faults', rule, null);

  it('renders http_error, refuse, rate_limit, malformed and timeout', async () => {
    await addFault({
      op: 'servers.create',
      kind: 'refuse',
      status: 403,
      code: 'QUOTA_EXCEEDED',
      message: 'Quota exceeded for instances',
      times: 1,
    });
    const refused = await call('POST', `${BASE}/servers`, serverBody('cp-f-1'));
    expect([refused.status, refused.json]).toEqual([
      403,
      { code: 'QUOTA_EXCEEDED', msg: 'Quota exceeded for instances', data: null, total: 0 },
    ]);

    await addFault({ op: 'servers.list', kind: 'http_error', status: 503, times: 1 });
    const unavailable = await call('GET', `${BASE}/servers`);
    expect(unavailable.status).toBe(503);
    expectH3cError(unavailable, '503');

    await addFault({ op: 'servers.list', kind: 'rate_limit', retryAfterSec: 3, times: 1 });
    const limited = await call('GET', `${BASE}/servers`);
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '3']);
    expectH3cError(limited, '429');

    await addFault({ op: 'servers.list', kind: 'malformed', times: 1 });
    const malformed = await call('GET', `${BASE}/servers`);
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();

    await addFault({ op: 'servers.get', kind: 'timeout', holdMs: 10, times: 1 });
    const timedOut = await call('GET', `${BASE}/servers/any`);
    expect(timedOut.status).toBe(504);
    expectH3cError(timedOut, '504');

    await addFault({ op: 'servers.stop', kind: 'http_error', after: 1, times: 1 });
    const id = await create('cp-f-2');
    clock.advance(3000);
    expect((await call('POST', `${BASE}/servers/${id}/action`, { 'os-stop': null })).status).toBe(202);
    clock.advance(1000);
    await call('POST', `${BASE}/servers/${id}/action`, { 'os-start': null });
    clock.advance(1000);
    expect((await call('POST', `${BASE}/servers/${id}/action`, { 'os-stop': null })).status).toBe(500);
  });
});

describe('control API', () => {
  it('counts calls, lists inventory with H3C status, and forces every documented status', async () => {
    for (let n = 1; n <= 3; n++) await create(`cp-ctl00001-${n}`);
    const inv = await call('GET', `/_sim/instances?tenant=${T}`, undefined, null);
    expect(inv.json.items).toHaveLength(3);
    expect(inv.json.items[0]).toMatchObject({ state: 'creating', status: 'BUILD', name: 'cp-ctl00001-1' });
    expect((await call('GET', '/_sim/calls', undefined, null)).json.counts['servers.create']).toBe(3);
    const id = inv.json.items[0].id as string;
    for (const raw of H3C_SERVER_STATUSES) {
      const forced = await call('POST', `/_sim/instances/${id}/force`, { status: raw }, null);
      expect(forced.status).toBe(200);
      expect(await status(id)).toBe(raw);
    }
    await call('POST', `/_sim/instances/${id}/force`, { state: 'error' }, null);
    expect(await status(id)).toBe('ERROR');
    expect((await call('POST', `/_sim/instances/${id}/force`, { status: 'NOPE' }, null)).status).toBe(400);
    expect((await call('POST', '/_sim/reset', { seed: 99 }, null)).json).toEqual({ seed: 99 });
    expect((await call('GET', '/_sim/instances', undefined, null)).json.total).toBe(0);
    expect((await call('GET', '/_sim/calls', undefined, null)).json.counts).toEqual({});
  });
});

describe('servers seeded through the control API', () => {
  it('renders a server seeded with no platform attributes in the detail list', async () => {
    const sim = createH3cSimulator({ seed: 11 });
    const running = await startSimulator(sim.app);
    try {
      sim.engine.instances.create({ tenant: sim.defaultProjectId, name: 'seeded-one', initialState: 'running' });
      const res = await request(`${running.baseUrl}/os/compute/v1/v2/${sim.defaultProjectId}/servers/detail`, {
        headers: { 'x-auth-token': 'h3c-static-token', 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      const body = (await res.body.json()) as { servers: { name: string; status: string }[] };
      expect(body.servers).toEqual([expect.objectContaining({ name: 'seeded-one', status: 'ACTIVE' })]);
    } finally {
      await running.close();
    }
  });
});
