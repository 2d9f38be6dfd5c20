/**
 * History outlives what it describes: a deleted template's tasks, items and events stay readable,
 * deleted accounts and templates free their names, and every change lands in the audit log with
 * the key that made it.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { H3C_LOGIN } from '../support/h3c.ts';
import { startScaling, type Json, type Scaling } from '../support/scaling.ts';
import { readTaskEvents } from '../support/sse.ts';

let iso: Isolated;
let s: Scaling;
let baseUrl: string;
beforeAll(async () => {
  iso = await isolate();
  s = await startScaling(iso);
  s.worker();
  await s.t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(s.t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});

const audit = async (query: string) => (await s.call('GET', `/v1/audit?${query}`)).body;

describe('a deleted template', () => {
  let expandId: string;
  let shrinkId: string;

  it('refuses to go while its group has machines, then goes once it is empty', async () => {
    // 1. Expand one machine and shrink it away again: two finished tasks with items and events.
    const expand = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1, reason: 'smoke' });
    expandId = expand.body.id;
    expect((await s.waitForTask(expandId)).status).toBe('succeeded');
    expect((await s.call('DELETE', `/v1/templates/${s.templateId}`)).status).toBe(409);
    const shrink = await s.call('POST', `/v1/templates/${s.templateId}/shrink`, { count: 1 });
    shrinkId = shrink.body.id;
    expect((await s.waitForTask(shrinkId)).status).toBe('succeeded');

    // 2. Delete it: hidden by default, shown on request.
    expect((await s.call('DELETE', `/v1/templates/${s.templateId}`)).status).toBe(204);
    expect((await s.call('GET', `/v1/templates/${s.templateId}`)).status).toBe(404);
    const kept = await s.call('GET', `/v1/templates/${s.templateId}?includeDeleted=true`);
    expect(kept.status).toBe(200);
    expect(kept.body.deletedAt).not.toBeNull();
    const listed = (await s.call('GET', '/v1/templates')).body.items.map((t: Json) => t.id);
    expect(listed).not.toContain(s.templateId);
    const all = (await s.call('GET', '/v1/templates?includeDeleted=true')).body.items.map((t: Json) => t.id);
    expect(all).toContain(s.templateId);
  });

  it('leaves its tasks, their items and their events readable', async () => {
    const task = await s.call('GET', `/v1/tasks/${expandId}`);
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({ templateId: s.templateId, status: 'succeeded', reason: 'smoke' });

    const items = await s.call('GET', `/v1/tasks/${expandId}/instances`);
    expect(items.status).toBe(200);
    expect(items.body.items).toHaveLength(1);
    expect(items.body.items[0]).toMatchObject({ action: 'create', state: 'succeeded' });
    expect(items.body.items[0].providerId).toEqual(expect.any(String));

    const events = await readTaskEvents(baseUrl, shrinkId, s.t.auth(s.t.keys.read));
    expect(events.map((e) => e.event)).toContain('task.queued');
    expect(events.at(-1)?.event).toBe('end');

    const byTemplate = await s.call('GET', `/v1/tasks?template=${s.templateId}`);
    expect(byTemplate.body.items.map((t: Json) => t.id).sort()).toEqual([expandId, shrinkId].sort());
  });

  it('can no longer be expanded or shrunk, and nothing is written', async () => {
    const before = await s.t.prisma.task.count();
    expect((await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 })).status).toBe(404);
    expect((await s.call('POST', `/v1/templates/${s.templateId}/shrink`, { count: 1 })).status).toBe(404);
    expect(await s.t.prisma.task.count()).toBe(before);
  });

  it('keeps no secret: the sealed login password is erased from the kept row', async () => {
    const spec = { ...s.spec, login: { password: 'Tpl-login-9d2a71' } };
    const made = await s.call('POST', '/v1/templates', { name: 'with-login', accountId: s.accountId, spec });
    expect(made.status).toBe(201);
    const sealed = await s.t.prisma.template.findUniqueOrThrow({ where: { id: made.body.id } });
    expect(JSON.stringify(sealed.spec)).toContain('passwordCipher');
    expect((await s.call('DELETE', `/v1/templates/${made.body.id}`)).status).toBe(204);
    const row = await s.t.prisma.template.findUniqueOrThrow({ where: { id: made.body.id } });
    expect(JSON.stringify(row.spec)).not.toContain('passwordCipher');
    const entries = await s.t.prisma.auditEntry.findMany({ where: { resourceId: made.body.id } });
    expect(entries).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain('Tpl-login-9d2a71');
  });

  it('frees its name: a new template may take it', async () => {
    const old = (await s.call('GET', `/v1/templates/${s.templateId}?includeDeleted=true`)).body;
    const again = await s.call('POST', '/v1/templates', { name: old.name, accountId: s.accountId, spec: s.spec });
    expect(again.status).toBe(201);
    // Names stay unique among live templates.
    const twice = await s.call('POST', '/v1/templates', { name: old.name, accountId: s.accountId, spec: s.spec });
    expect(twice.status).toBe(409);
    expect((await s.call('DELETE', `/v1/templates/${again.body.id}`)).status).toBe(204);
  });
});

describe('a deleted account', () => {
  it('goes only once its templates went, frees its name and keeps no credentials', async () => {
    const body = s.sim.account('history-lab');
    const made = await s.call('POST', '/v1/accounts', body);
    expect(made.status).toBe(201);
    const tpl = await s.call('POST', '/v1/templates', { name: 'history-tpl', accountId: made.body.id, spec: s.spec });
    expect(tpl.status).toBe(201);
    expect((await s.call('DELETE', `/v1/accounts/${made.body.id}`)).status).toBe(409);
    expect((await s.call('DELETE', `/v1/templates/${tpl.body.id}`)).status).toBe(204);

    expect((await s.call('DELETE', `/v1/accounts/${made.body.id}`)).status).toBe(204);
    expect((await s.call('GET', `/v1/accounts/${made.body.id}`)).status).toBe(404);
    expect((await s.call('POST', `/v1/accounts/${made.body.id}/verify`)).status).toBe(404);
    const kept = await s.call('GET', `/v1/accounts/${made.body.id}?includeDeleted=true`);
    expect(kept.body).toMatchObject({ name: 'history-lab', credentialsSet: false });
    expect(kept.body.deletedAt).not.toBeNull();
    const row = await s.t.prisma.account.findUniqueOrThrow({ where: { id: made.body.id } });
    expect(row.credentialsCipher).toBe('');
    // A template cannot be made on it any more.
    const late = await s.call('POST', '/v1/templates', { name: 'late', accountId: made.body.id, spec: s.spec });
    expect(late.status).toBe(422);

    const again = await s.call('POST', '/v1/accounts', body);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(made.body.id);
  });
});

describe('the audit log', () => {
  it("records a template change with the key's name, before/after and the reason", async () => {
    // 1. A change made with the write key, giving a reason.
    const made = await s.call('POST', '/v1/templates', { name: 'audited', accountId: s.accountId, spec: s.spec });
    const res = await s.t.app.inject({
      method: 'PATCH',
      url: `/v1/templates/${made.body.id}`,
      payload: { name: 'audited-renamed' },
      headers: { ...s.t.auth(s.t.keys.write), 'cloudplane-reason': 'rename for ticket OPS-7' },
    });
    expect(res.statusCode).toBe(200);

    // 2. The log names the key, shows both sides and says why.
    const writeKey = (await s.t.prisma.apiKey.findFirstOrThrow({ where: { name: 'test-write' } })).id;
    const page = await audit(`resourceType=template&resourceId=${made.body.id}`);
    expect(page.items.map((e: Json) => e.action)).toEqual(['template.update', 'template.create']);
    const [update, create] = page.items;
    expect(update).toMatchObject({
      actor: { keyId: writeKey, name: 'test-write' },
      resourceType: 'template',
      resourceId: made.body.id,
      before: { name: 'audited' },
      after: { name: 'audited-renamed' },
      reason: 'rename for ticket OPS-7',
    });
    expect(update.requestId).toEqual(expect.any(String));
    expect(create).toMatchObject({ actor: { name: 'test-admin' }, before: null, after: { name: 'audited' } });

    // 3. Filters: by actor and action.
    const byActor = await audit(`actor=${writeKey}`);
    expect(byActor.items.every((e: Json) => e.actor.keyId === writeKey)).toBe(true);
    expect(byActor.items).toHaveLength(1);
    expect((await audit('action=template.update')).items.map((e: Json) => e.resourceId)).toContain(made.body.id);
  });

  it('records task requests with their own reason, and deletes', async () => {
    const tasks = await audit('resourceType=task');
    const expand = tasks.items.find((e: Json) => e.action === 'task.expand');
    expect(expand).toMatchObject({ reason: 'smoke', actor: { name: 'test-admin' }, after: { kind: 'expand' } });
    const deletes = await audit(`action=template.delete&resourceId=${s.templateId}`);
    expect(deletes.items).toHaveLength(1);
    expect(deletes.items[0]).toMatchObject({ before: { id: s.templateId }, after: null });
  });

  it('never stores credentials: only that they were set or changed', async () => {
    const made = await s.call('POST', '/v1/accounts', s.sim.account('secretive-lab'));
    await s.call('PATCH', `/v1/accounts/${made.body.id}`, { credentials: H3C_LOGIN });
    const entries = await s.t.prisma.auditEntry.findMany({ where: { resourceId: made.body.id } });
    expect(entries.map((e) => e.action).sort()).toEqual(['account.create', 'account.update']);
    expect(JSON.stringify(entries)).not.toContain(H3C_LOGIN.password);
    const update = entries.find((e) => e.action === 'account.update')!;
    expect(update.after).toMatchObject({ credentialsChanged: true });
  });

  it('records platform actions on machines once the platform accepted them', async () => {
    const made = await s.call('POST', '/v1/instances', { accountId: s.accountId, spec: s.spec });
    expect(made.status).toBe(202);
    await vi.waitFor(
      async () => expect((await s.call('GET', `/v1/instances/${made.body.id}`)).body.status).toBe('running'),
      { timeout: 10_000, interval: 100 },
    );
    // This platform cannot tag (501): nothing happened, nothing is recorded.
    expect((await s.call('PUT', `/v1/instances/${made.body.id}/tags`, { tags: { team: 'ops' } })).status).toBe(501);
    const stop = await s.call('POST', `/v1/instances/${made.body.id}/actions`, { action: 'stop' });
    expect(stop.status).toBe(202);
    // A refused action changed nothing and is not recorded.
    const bad = await s.call('POST', `/v1/instances/${randomUUID()}/actions`, { action: 'stop' });
    expect(bad.status).toBe(404);
    const page = await audit(`resourceType=instance&resourceId=${made.body.id}`);
    expect(page.items.map((e: Json) => e.action)).toEqual(['instance.stop', 'instance.create']);
    expect(page.items[0]).toMatchObject({ actor: { name: 'test-admin' }, after: { id: made.body.id } });
    expect((await audit('resourceType=instance')).items).toHaveLength(2);
  });

  it('records API keys made and revoked, without the key or its hash', async () => {
    const made = await s.call('POST', '/v1/api-keys', { name: 'ci-audit', scopes: ['write'] });
    expect(made.status).toBe(201);
    expect((await s.call('DELETE', `/v1/api-keys/${made.body.id}`)).status).toBe(200);
    const page = await audit(`resourceType=api_key&resourceId=${made.body.id}`);
    expect(page.items.map((e: Json) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect(page.items[0]).toMatchObject({ before: { revokedAt: null }, after: { name: 'ci-audit' } });
    expect(page.items[0].after.revokedAt).not.toBeNull();
    const row = await s.t.prisma.apiKey.findUniqueOrThrow({ where: { id: made.body.id } });
    const stored = JSON.stringify(await s.t.prisma.auditEntry.findMany({ where: { resourceId: made.body.id } }));
    expect(stored).not.toContain(made.body.key);
    expect(stored).not.toContain(row.hash);
  });

  it('pages newest first with the one cursor, and since/until bound it', async () => {
    const first = await audit('limit=2');
    expect(first.items).toHaveLength(2);
    const next = await audit(`limit=2&cursor=${first.nextCursor}`);
    const ids = [...first.items, ...next.items].map((e: Json) => e.id);
    expect(new Set(ids).size).toBe(4);
    const at = (e: Json) => new Date(e.at).getTime();
    expect(at(first.items[0]) >= at(first.items[1]) && at(first.items[1]) >= at(next.items[0])).toBe(true);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await audit(`since=${encodeURIComponent(future)}`)).items).toHaveLength(0);
    expect((await audit(`until=${encodeURIComponent(future)}&limit=1`)).items).toHaveLength(1);
  });

  it('answers only admin keys, and refuses a bad filter or an overlong reason without writing', async () => {
    const asRead = await s.t.app.inject({ method: 'GET', url: '/v1/audit', headers: s.t.auth(s.t.keys.read) });
    expect(asRead.statusCode).toBe(403);
    expect((await s.call('GET', '/v1/audit?cursor=nope')).status).toBe(422);
    expect((await s.call('GET', '/v1/audit?since=yesterday')).status).toBe(422);
    const before = await s.t.prisma.auditEntry.count();
    const long = await s.call(
      'POST',
      '/v1/templates',
      { name: 'x', accountId: s.accountId, spec: s.spec },
      {
        'cloudplane-reason': 'r'.repeat(501),
      },
    );
    expect(long.status).toBe(422);
    expect(await s.t.prisma.auditEntry.count()).toBe(before);
  });
});
