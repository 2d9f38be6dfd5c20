/**
 * What `GET /v1/providers` tells a user about each kind (capabilities, scaling strategy,
 * paging, and the JSON Schemas of an account's credentials and options), and the account
 * checks a kind runs before an account is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startH3c, type H3cHarness } from '../support/h3c.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c();
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

describe('GET /v1/providers', () => {
  it('publishes, for every kind, its scaling strategy, paging and account schemas', async () => {
    const res = await t.call('GET', '/v1/providers');
    expect(res.status).toBe(200);
    for (const info of res.body.items) {
      expect(info.scaling).toMatch(/^(per_machine|per_machine_job|native_group|platform_tasks|none)$/);
      expect(info.paging.style).toMatch(/^(marker|page_number|none)$/);
      expect(info.credentialsSchema).toHaveProperty('$schema');
      expect(info.optionsSchema).toMatchObject({ type: 'object' });
    }
    const h3c = res.body.items.find((i: { kind: string }) => i.kind === 'h3c-cloudos');
    expect(h3c).toMatchObject({ scaling: 'per_machine', paging: { style: 'marker', consistent: true } });
    // Both credential shapes, and an option with its documented default.
    expect(JSON.stringify(h3c.credentialsSchema)).toContain('"token"');
    expect(JSON.stringify(h3c.credentialsSchema)).toContain('"password"');
    expect(h3c.optionsSchema.properties.authPath).toMatchObject({ type: 'string', default: '/v3/auth/tokens' });
  });
});

describe('an account that cannot work', () => {
  it('is refused when saved, with each missing field named, and nothing is stored', async () => {
    const body = sim.account('static-token', { credentials: { token: 'h3c-static-token' }, options: {} });
    const res = await t.call('POST', '/v1/accounts', body);
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/options/projectId', '/options/userName']);
    expect((await t.call('GET', '/v1/accounts')).body.items).toHaveLength(0);
  });

  it('is refused when a change would break it', async () => {
    const made = await t.call(
      'POST',
      '/v1/accounts',
      sim.account('static-ok', {
        credentials: { token: 'h3c-static-token' },
        options: { projectId: sim.defaultProjectId, userName: 'ops' },
      }),
    );
    expect(made.status).toBe(201);
    // A merge patch: null removes the option the static token needs.
    const res = await t.call('PATCH', `/v1/accounts/${made.body.id}`, { options: { userName: null } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/options/userName');
    expect((await t.call('GET', `/v1/accounts/${made.body.id}`)).body.options.userName).toBe('ops');
  });
});
