/** PATCH on accounts and templates is a JSON Merge Patch (RFC 7396): one member changed, the rest kept; null deletes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { accountAndTemplate, H3C_LOGIN, startH3c, type H3cHarness } from '../support/h3c.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let accountId: string;
let templateId: string;

const MERGE = { 'content-type': 'application/merge-patch+json' };

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c();
  ({
    account: { id: accountId },
    template: { id: templateId },
  } = await accountAndTemplate(t.call, sim, 'merge', { consoleType: 'xvpvnc', statusMap: { PAUSED: 'stopped' } }));
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

describe('PATCH /v1/accounts/{id}', () => {
  it('changes the one option given and keeps the others (application/merge-patch+json)', async () => {
    const before = (await t.call('GET', `/v1/accounts/${accountId}`)).body.options;
    const res = await t.call('PATCH', `/v1/accounts/${accountId}`, { options: { timeoutMs: 5_000 } }, MERGE);
    expect(res.status).toBe(200);
    expect(res.body.options).toEqual({ ...before, timeoutMs: 5_000 });
  });

  it('merges nested objects and deletes a member set to null (application/json too)', async () => {
    const res = await t.call('PATCH', `/v1/accounts/${accountId}`, {
      options: { statusMap: { SUSPENDED: 'stopped' }, consoleType: null },
    });
    expect(res.status).toBe(200);
    expect(res.body.options.statusMap).toEqual({ PAUSED: 'stopped', SUSPENDED: 'stopped' });
    expect(res.body.options).not.toHaveProperty('consoleType');
    expect(res.body.options.defaultNetworkId).toBe(sim.catalog.networks[0]!.id);
  });

  it('merges credentials into the sealed ones and never answers them', async () => {
    const res = await t.call('PATCH', `/v1/accounts/${accountId}`, { credentials: { project: H3C_LOGIN.project } });
    expect(res.status).toBe(200);
    expect(res.raw).not.toContain(H3C_LOGIN.password);
    expect(res.body).not.toHaveProperty('credentials');
    // Username and password were kept: the login still works.
    expect((await t.call('POST', `/v1/accounts/${accountId}/verify`)).status).toBe(200);
  });

  it('refuses a merged result that does not fit the provider, naming the field and not echoing secrets', async () => {
    const res = await t.call('PATCH', `/v1/accounts/${accountId}`, { credentials: { password: null } });
    expect(res.status).toBe(422);
    expect(res.raw).not.toContain(H3C_LOGIN.password);
    expect((await t.call('POST', `/v1/accounts/${accountId}/verify`)).status).toBe(200);
  });
});

describe('PATCH /v1/templates/{id}', () => {
  it('merges into the spec: one field changed, the rest kept', async () => {
    const before = (await t.call('GET', `/v1/templates/${templateId}`)).body;
    const res = await t.call(
      'PATCH',
      `/v1/templates/${templateId}`,
      { spec: { tags: { team: 'core' }, network: { securityGroupIds: ['default'] } } },
      MERGE,
    );
    expect(res.status).toBe(200);
    expect(res.body.spec).toEqual({
      ...before.spec,
      tags: { team: 'core' },
      network: { ...before.spec.network, securityGroupIds: ['default'] },
    });
    expect(res.body.name).toBe(before.name);
  });

  it('sets and removes the write-only password without ever answering it', async () => {
    const secret = 'Tmpl-secret-91c2';
    const set = await t.call('PATCH', `/v1/templates/${templateId}`, { spec: { login: { password: secret } } });
    expect(set.status).toBe(200);
    expect(set.body.spec.login.passwordSet).toBe(true);
    expect(set.raw).not.toContain(secret);
    const removed = await t.call('PATCH', `/v1/templates/${templateId}`, { spec: { login: { password: null } } });
    expect(removed.body.spec.login.passwordSet).toBe(false);
    expect(removed.body.spec.tags).toEqual({ team: 'core' });
  });

  it('deletes a tag set to null, and null namePrefix goes back to a slug of the name', async () => {
    await t.call('PATCH', `/v1/templates/${templateId}`, { namePrefix: 'other' });
    const res = await t.call('PATCH', `/v1/templates/${templateId}`, {
      spec: { tags: { team: null } },
      namePrefix: null,
    });
    expect(res.status).toBe(200);
    expect(res.body.spec.tags).toEqual({});
    expect(res.body.namePrefix).toBe('merge');
  });

  it('refuses a merged spec that is not a spec, with the field named', async () => {
    const res = await t.call('PATCH', `/v1/templates/${templateId}`, { spec: { instanceType: null } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/spec/instanceType' })]);
  });
});
