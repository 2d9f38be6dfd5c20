import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

let iso: Isolated;
let t: TestApp;
beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_BODY_LIMIT_BYTES: '2048' });
  t = await startTestApp(iso);
});
afterAll(async () => {
  await t?.close();
  await iso?.close();
});

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({
    status,
    type: expect.stringMatching(/^\/problems\//),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(res.body).not.toMatch(/\bat .+\(.*:\d+:\d+\)/); // no stack frames
  return body;
}

describe('problem+json for every error', () => {
  it('answers malformed JSON with 400 and changes nothing', async () => {
    const before = await t.prisma.apiKey.count();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...t.auth(t.keys.admin), 'content-type': 'application/json' },
      payload: '{"name": "x", "scopes": [',
    });
    const body = expectProblem(res, 400);
    expect(body.type).toBe('/problems/malformed-request');
    expect(await t.prisma.apiKey.count()).toBe(before);
  });

  it('lists each bad field when types are wrong', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.auth(t.keys.admin),
      payload: { name: 42, scopes: ['read', 'root'] },
    });
    const body = expectProblem(res, 422);
    expect(body.type).toBe('/problems/validation-failed');
    const errors = body.errors as { in: string; pointer: string; detail: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/name', '/scopes/1']);
    expect(errors.every((e) => e.in === 'body')).toBe(true);
  });

  it('validates path parameters too', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid', headers: t.auth(t.keys.admin) });
    const body = expectProblem(res, 422);
    expect(body.errors).toEqual([expect.objectContaining({ in: 'path', pointer: '/id' })]);
  });

  it('refuses a NUL character anywhere in the input with 422, naming where', async () => {
    const before = await t.prisma.apiKey.count();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.auth(t.keys.admin),
      payload: { name: 'a\u0000b', scopes: ['read'] },
    });
    const body = expectProblem(res, 422);
    expect(body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/name' })]);
    expect(await t.prisma.apiKey.count()).toBe(before);
    const query = await t.app.inject({
      method: 'GET',
      url: '/v1/api-keys?cursor=a%00b',
      headers: t.auth(t.keys.admin),
    });
    expectProblem(query, 422);
  });

  it('refuses a cursor it could not have issued (a date out of range) with 422', async () => {
    const cursor = Buffer.from(
      JSON.stringify({ at: '0000-01-01T00:00:00Z', id: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/api-keys?cursor=${cursor}`,
      headers: t.auth(t.keys.admin),
    });
    expectProblem(res, 422);
  });

  it('answers an unknown route with 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/no-such-thing' });
    const body = expectProblem(res, 404);
    expect(body.detail).toContain('/v1/no-such-thing');
  });

  it('answers an oversized body with 413 before parsing it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.auth(t.keys.admin),
      payload: { name: 'x'.repeat(4096), scopes: ['read'] },
    });
    const body = expectProblem(res, 413);
    expect(body.detail).toContain('2048');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...t.auth(t.keys.admin), 'content-type': 'text/xml' },
      payload: '<key/>',
    });
    expectProblem(res, 415);
  });

  it('echoes a safe request id and replaces an unsafe one', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(ok.headers['x-request-id']).toBe('abc-123');
    const bad = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\u0001' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('resolves every problem type to a catalog entry', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/problems/validation-failed' });
    expect(res.json()).toMatchObject({ status: 422 });
  });
});
