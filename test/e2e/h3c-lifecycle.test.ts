/**
 * The unified API end to end against the H3C CloudOS simulator over real
 * HTTP: account → verify → catalog → template → instance create → running
 * → stop → start → reboot → delete, plus lists, bulk actions, refusals and
 * idempotency. Every log line and response body of the file is captured to
 * prove no credential leaks.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { H3C_LOGIN, startH3c, type H3cHarness } from '../support/h3c.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
const seen: string[] = [];

beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_INVENTORY_TTL_SECONDS: '0' });
  t = await startTestApp(iso, { captureLogs: seen });
  sim = await startH3c();
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

type Json = Record<string, any>;
async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await t.call(method, url, payload, headers);
  seen.push(res.raw, JSON.stringify(res.headers));
  return res;
}

async function waitForStatus(id: string, status: string) {
  await vi.waitFor(
    async () => {
      const res = await call('GET', `/v1/instances/${id}?refresh=true`);
      expect(res.body.status).toBe(status);
    },
    { timeout: 10_000, interval: 100 },
  );
}

let accountId: string;
let templateId: string;
let spec: Json;

describe('H3C CloudOS through the unified API', () => {
  it('registers an account without ever returning its credentials', async () => {
    const res = await call('POST', '/v1/accounts', sim.account('cloudos-lab'));
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/accounts/${res.body.id}`);
    expect(res.body).toMatchObject({ provider: 'h3c-cloudos', credentialsSet: true });
    expect(res.body).not.toHaveProperty('credentials');
    accountId = res.body.id;
    const row = await t.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    expect(row.credentialsCipher).not.toContain(H3C_LOGIN.password);
  });

  it('refuses credentials of the wrong shape for the provider, naming the field, and stores nothing', async () => {
    const res = await call('POST', '/v1/accounts', sim.account('bad', { credentials: { user: 'x' } }));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: Json) => e.pointer)).toContain('/credentials');
    expect(await t.prisma.account.count({ where: { name: 'bad' } })).toBe(0);
  });

  it('refuses a second account with the same name with 409', async () => {
    expect((await call('POST', '/v1/accounts', sim.account('cloudos-lab'))).status).toBe(409);
  });

  it('verifies working credentials, and reports the platform refusing wrong ones', async () => {
    const ok = await call('POST', `/v1/accounts/${accountId}/verify`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, provider: 'h3c-cloudos' });

    const wrong = await call(
      'POST',
      '/v1/accounts',
      sim.account('wrong-password', { credentials: { ...H3C_LOGIN, password: 'nope-wrong' } }),
    );
    const refused = await call('POST', `/v1/accounts/${wrong.body.id}/verify`);
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ provider: 'h3c-cloudos', providerCode: expect.any(String) });
    expect(refused.body.providerMessage).toEqual(expect.any(String));
    await call('DELETE', `/v1/accounts/${wrong.body.id}`);
  });

  it('lists the catalog, and answers 501 for what the platform lacks', async () => {
    const zones = await call('GET', `/v1/accounts/${accountId}/zones`);
    const types = await call('GET', `/v1/accounts/${accountId}/instance-types`);
    const images = await call('GET', `/v1/accounts/${accountId}/images`);
    for (const r of [zones, types, images]) {
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeGreaterThan(0);
    }
    spec = {
      zone: zones.body.items[0].id,
      instanceType: types.body.items[0].id,
      image: images.body.items[0].id,
      tags: { team: 'web' },
    };

    const vpcs = await call('GET', `/v1/vpcs?account=${accountId}`);
    expect(vpcs.status).toBe(501);
    expect(vpcs.body).toMatchObject({
      type: '/problems/provider-unsupported',
      provider: 'h3c-cloudos',
      operation: 'vpcs.list',
    });
  });

  it('refuses a template naming something the catalog lacks, field by field', async () => {
    const res = await call('POST', '/v1/templates', {
      name: 'bad',
      accountId,
      spec: { ...spec, image: 'no-such-image', instanceType: 'no-such-type' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: Json) => e.pointer).sort()).toEqual(['/spec/image', '/spec/instanceType']);
    expect(await t.prisma.template.count()).toBe(0);
  });

  it('saves a template checked against the catalog, keeping the login password write-only', async () => {
    const res = await call('POST', '/v1/templates', {
      name: 'Web Tier',
      accountId,
      spec: { ...spec, login: { password: 'S3cret-Passw0rd' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      namePrefix: 'web-tier',
      provider: 'h3c-cloudos',
      spec: { login: { passwordSet: true } },
    });
    expect(JSON.stringify(res.body)).not.toContain('S3cret-Passw0rd');
    templateId = res.body.id;
  });

  it('creates a machine from the template and follows it to running, stopped, running, and gone', async () => {
    const created = await call('POST', '/v1/instances', { templateId });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ templateId, accountId, provider: 'h3c-cloudos' });
    expect(['pending', 'running']).toContain(created.body.status);
    const id = created.body.id;
    expect(created.headers.location).toBe(`/v1/instances/${id}`);
    expect(created.body.name).toMatch(/^web-tier-[0-9a-f]{8}$/);

    await waitForStatus(id, 'running');
    const running = await call('GET', `/v1/instances/${id}?refresh=true`);
    expect(running.body.statusRaw).toBe('ACTIVE');

    expect((await call('POST', `/v1/instances/${id}/actions`, { action: 'stop' })).status).toBe(202);
    await waitForStatus(id, 'stopped');
    expect((await call('POST', `/v1/instances/${id}/actions`, { action: 'start' })).status).toBe(202);
    await waitForStatus(id, 'running');
    const reboot = await call('POST', `/v1/instances/${id}/actions`, { action: 'reboot' });
    expect(reboot.status).toBe(202);
    await waitForStatus(id, 'running');

    const consoleRes = await call('GET', `/v1/instances/${id}/console`);
    expect(consoleRes.status).toBe(200);
    expect(consoleRes.body.url).toMatch(/^https?:\/\//);

    const deleted = await call('DELETE', `/v1/instances/${id}`);
    expect(deleted.status).toBe(202);
    expect(['deleting', 'deleted']).toContain(deleted.body.status);
    await waitForStatus(id, 'deleted');
    expect(sim.engine.instances.count()).toBe(0);
  });

  it('lists machines with filters and cursor pagination, recording what the platform has', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', '/v1/instances', { templateId })).body.id);
    // A machine made outside Cloudplane shows up too, after a sync.
    await call('POST', '/v1/instances', { accountId, spec, name: 'outsider' });

    const all: Json[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/v1/instances?template=${templateId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all.map((i) => i.id).sort()).toEqual([...ids].sort());

    const byTag = await call('GET', `/v1/instances?tag=team%3Dweb&account=${accountId}&limit=100`);
    expect(byTag.body.items.length).toBe(6);
    const none = await call('GET', `/v1/instances?status=stopped&account=${accountId}`);
    expect(none.body.items).toEqual([]);

    const bad = await call('GET', '/v1/instances?status=sleeping&limit=0');
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: Json) => e.pointer).sort()).toEqual(['/limit', '/status']);
    expect((await call('GET', '/v1/instances?cursor=not-ours')).status).toBe(422);
  });

  it('runs a bulk action with an outcome per machine', async () => {
    const list = await call('GET', `/v1/instances?template=${templateId}&limit=100`);
    const ids = list.body.items.map((i: Json) => i.id);
    for (const id of ids) await waitForStatus(id, 'running');
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await call('POST', '/v1/instances/actions', { action: 'delete', ids: [...ids, missing] });
    expect(res.status).toBe(200);
    expect(res.body.items.filter((r: Json) => r.ok)).toHaveLength(ids.length);
    expect(res.body.items.find((r: Json) => r.id === missing)).toMatchObject({ ok: false, problem: { status: 404 } });
  });

  it("answers a platform refusal with the platform's own code and message", async () => {
    sim.engine.faults.add({
      op: 'servers.create',
      kind: 'refuse',
      status: 403,
      code: 'QuotaExceeded',
      message: 'Quota exceeded for instances',
      times: 1,
    });
    const res = await call('POST', '/v1/instances', { templateId });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toMatchObject({
      provider: 'h3c-cloudos',
      operation: 'instances.create',
      providerMessage: 'Quota exceeded for instances',
    });
    expect(res.body.providerCode).toEqual(expect.any(String));
  });

  it('answers 502 when the platform fails and 504 when it does not answer', async () => {
    sim.engine.faults.add({ op: 'servers.create', kind: 'http_error', status: 500, message: 'boom', times: 1 });
    const failed = await call('POST', '/v1/instances', { templateId });
    expect(failed.status).toBe(502);
    expect(failed.body.type).toBe('/problems/provider-failed');

    await call('PATCH', `/v1/accounts/${accountId}`, {
      options: { defaultNetworkId: sim.catalog.networks[0]?.id, timeoutMs: 300 },
    });
    sim.engine.faults.add({ op: 'servers.create', kind: 'timeout', holdMs: 2_000, times: 1 });
    const before = sim.engine.calls.count('servers.create');
    const slow = await call('POST', '/v1/instances', { templateId });
    expect(slow.status).toBe(504);
    expect(slow.body.type).toBe('/problems/provider-timeout');
    // A create that timed out may have happened: it is not sent again blindly.
    expect(sim.engine.calls.count('servers.create')).toBe(before + 1);
    await call('PATCH', `/v1/accounts/${accountId}`, { options: { timeoutMs: null } });
  });

  it('reconciles a lost create answer by its marker before answering, so a retry makes no second machine', async () => {
    await call('PATCH', `/v1/accounts/${accountId}`, {
      options: { defaultNetworkId: sim.catalog.networks[0]?.id, timeoutMs: 300 },
    });
    try {
      sim.engine.faults.add({ op: 'servers.create', kind: 'lost_answer', holdMs: 0, times: 1 });
      const key = { 'idempotency-key': 'lost-answer-1' };
      const first = await call('POST', '/v1/instances', { templateId, name: 'lost-one' }, key);
      // The answer was lost, but the machine the platform made is found by its name first.
      expect(first.status).toBe(202);
      expect(first.body.name).toBe('lost-one');
      const again = await call('POST', '/v1/instances', { templateId, name: 'lost-one' }, key);
      expect(again.status).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(sim.engine.instances.all().filter((m) => m.name === 'lost-one')).toHaveLength(1);
    } finally {
      await call('PATCH', `/v1/accounts/${accountId}`, { options: { timeoutMs: null } });
    }
  });

  it('frees an Idempotency-Key after a refusal, so the corrected request can use it', async () => {
    const key = { 'idempotency-key': 'account-fix-1' };
    const bad = await call('POST', '/v1/accounts', sim.account('fixed-later', { credentials: { user: 'x' } }), key);
    expect(bad.status).toBe(422);
    const good = await call('POST', '/v1/accounts', sim.account('fixed-later'), key);
    expect(good.status).toBe(201);
    await call('DELETE', `/v1/accounts/${good.body.id}`);
  });

  it('syncs an account whose platform reports a machine with a NUL character in a tag', async () => {
    const odd = sim.engine.instances.create({
      tenant: sim.defaultProjectId,
      name: 'made-elsewhere',
      initialState: 'running',
      attrs: { metadata: { owner: 'ops\u0000team' } },
    });
    try {
      const res = await call('GET', `/v1/instances?account=${accountId}&refresh=true&limit=500`);
      expect(res.status).toBe(200);
      expect(res.body.items.find((i: Json) => i.providerId === odd.id)?.tags).toMatchObject({ owner: 'opsteam' });
    } finally {
      sim.engine.instances.act(sim.defaultProjectId, odd.id, 'delete');
    }
  });

  it('keeps one login per account across syncs (a sync does not rebuild the adapter)', async () => {
    await call('GET', `/v1/instances?account=${accountId}&refresh=true`);
    const logins = sim.engine.calls.count('auth.login');
    for (let i = 0; i < 3; i++)
      expect((await call('GET', `/v1/instances?account=${accountId}&refresh=true`)).status).toBe(200);
    expect(sim.engine.calls.count('auth.login')).toBe(logins);
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses reuse with another body', async () => {
    const before = sim.engine.calls.count('servers.create');
    const key = { 'idempotency-key': 'create-web-1' };
    const first = await call('POST', '/v1/instances', { templateId, name: 'idem-one' }, key);
    const again = await call('POST', '/v1/instances', { templateId, name: 'idem-one' }, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(sim.engine.calls.count('servers.create')).toBe(before + 1);

    const other = await call('POST', '/v1/instances', { templateId, name: 'idem-two' }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
  });

  it('answers 409 to a duplicate that arrives while the first is still in flight', async () => {
    sim.engine.configure({ latency: { fixedMs: 700 } });
    try {
      const key = { 'idempotency-key': 'slow-create' };
      const [a, b] = await Promise.all([
        call('POST', '/v1/instances', { templateId, name: 'idem-slow' }, key),
        new Promise((r) => setTimeout(r, 150)).then(() =>
          call('POST', '/v1/instances', { templateId, name: 'idem-slow' }, key),
        ),
      ]);
      expect(a.status).toBe(202);
      expect(b.status).toBe(409);
      expect(b.body.type).toBe('/problems/idempotency-key-in-use');
    } finally {
      sim.engine.configure({ latency: { fixedMs: 0 } });
    }
  });

  it("lists and runs the platform's documented extra operations, validating their input", async () => {
    const catalog = await call('GET', '/v1/providers/h3c-cloudos/operations');
    expect(catalog.status).toBe(200);
    const names = catalog.body.items.map((o: Json) => o.name);
    expect(names).toEqual(expect.arrayContaining(['keypairs.list', 'keypairs.get']));
    expect(catalog.body.items.find((o: Json) => o.name === 'keypairs.get').input).toMatchObject({
      type: 'object',
      required: ['name'],
    });

    const listed = await call('POST', `/v1/accounts/${accountId}/operations/keypairs.list`, { input: {} });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ operation: 'keypairs.list', output: { keypairs: expect.any(Array) } });

    const bad = await call('POST', `/v1/accounts/${accountId}/operations/keypairs.get`, {
      input: { name: 'not a name!' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('/input/name');
    const unknown = await call('POST', `/v1/accounts/${accountId}/operations/volumes.create`, { input: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ provider: 'h3c-cloudos', operation: 'volumes.create' });
  });

  it('never lets a credential reach a response or a log line', () => {
    const everything = seen.join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of [H3C_LOGIN.password, 'nope-wrong', 'S3cret-Passw0rd', t.keys.admin]) {
      expect(everything).not.toContain(secret);
    }
    // Tokens the simulator issued to the adapter stay inside the adapter too.
    const tokens = sim.engine.tokens.issuedTokens();
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});
