import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { hashApiKey } from '../../src/db/api-keys.ts';

let iso: Isolated;
let t: TestApp;
beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
});
afterAll(async () => {
  await t?.close();
  await iso?.close();
});

describe('API keys', () => {
  it('refuses a /v1 request without a key with 401 and a Bearer challenge', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/api-keys' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json().type).toBe('/problems/unauthorized');
  });

  it('refuses an unknown key and a non-Bearer scheme with 401', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth('cpk_not-a-real-key') });
    expect(unknown.statusCode).toBe(401);
    const basic = await t.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: `Basic ${t.keys.admin}` },
    });
    expect(basic.statusCode).toBe(401);
  });

  it('refuses a valid key without the needed scope with 403', async () => {
    for (const key of [t.keys.read, t.keys.write]) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(key) });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ type: '/problems/forbidden', requiredScope: 'admin' });
    }
  });

  it('mints a key that works once and is stored only as a hash', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.auth(t.keys.admin),
      payload: { name: 'ci', scopes: ['admin'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json() as { key: string; id: string };
    expect(key).toMatch(/^cpk_/);
    const row = await t.prisma.apiKey.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row)).not.toContain(key);

    const listed = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(key) });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(key);
  });

  it('pages the key list with a cursor', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/api-keys?limit=2', headers: t.auth(t.keys.admin) });
    expect(first.json().items).toHaveLength(2);
    const next = await t.app.inject({
      method: 'GET',
      url: `/v1/api-keys?limit=2&cursor=${first.json().nextCursor}`,
      headers: t.auth(t.keys.admin),
    });
    expect(next.json().items[0].id).not.toBe(first.json().items[1].id);
  });

  it('stops accepting a revoked key', async () => {
    const { key, view } = await t.apiKeys.create('short-lived', ['admin']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(key) })).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${view.id}`,
      headers: t.auth(t.keys.admin),
    });
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(key) })).statusCode).toBe(401);
  });

  it('leaves health, metrics and docs public', async () => {
    for (const url of ['/healthz', '/metrics', '/openapi.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });

  it('creates exactly one bootstrap admin key, even when replicas race', async () => {
    await t.prisma.apiKey.updateMany({ data: { revokedAt: new Date() } });
    const results = await Promise.all([1, 2, 3].map(() => t.apiKeys.ensureBootstrapAdmin(undefined)));
    const generated = results.map((r) => r.generated).filter(Boolean);
    expect(generated).toHaveLength(1);
    expect(await t.prisma.apiKey.count({ where: { revokedAt: null, scopes: { has: 'admin' } } })).toBe(1);
    const again = await t.apiKeys.ensureBootstrapAdmin(undefined);
    expect(again.generated).toBeUndefined();
  });

  it('registers a configured bootstrap key once', async () => {
    const key = 'configured-admin-key-0123456789abcdef';
    await t.apiKeys.ensureBootstrapAdmin(key);
    await t.apiKeys.ensureBootstrapAdmin(key);
    const rows = await t.prisma.apiKey.findMany({ where: { hash: hashApiKey(key) } });
    expect(rows).toHaveLength(1);
    // No part of an operator's own key is stored or shown.
    expect(rows[0]!.prefix).not.toContain(key.slice(0, 4));
    expect((await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(key) })).statusCode).toBe(200);
  });
});
