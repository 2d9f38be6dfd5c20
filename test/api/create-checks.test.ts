/**
 * Checks before anything is sent: a template, an account change, an expand or a single create that
 * could never create a machine is refused with the field named (422), and the platform hears nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { accountAndTemplate, startH3c, type H3cHarness } from '../support/h3c.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let accountId: string;
let templateId: string;
let spec: { zone: string; instanceType: string; image: string };

/** Every call the simulator served since the last reset. */
const platformCalls = () => Object.values(sim.engine.calls.counts()).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c();
  // The harness's account names a default network; the template names a zone but no network.
  ({
    account: { id: accountId },
    template: { id: templateId },
    spec,
  } = await accountAndTemplate(t.call, sim, 'checks'));
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});
beforeEach(() => sim.engine.calls.reset());

describe('a template that cannot create', () => {
  it('is refused at create with the spec field named, and no platform call', async () => {
    const res = await t.call('POST', '/v1/templates', {
      name: 'no-zone',
      accountId,
      spec: { instanceType: spec.instanceType, image: spec.image },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors).toEqual([
      { in: 'body', pointer: '/spec/zone', detail: expect.stringContaining('options.defaultZoneId') },
    ]);
    expect(platformCalls()).toBe(0);
    expect(await t.prisma.template.count({ where: { name: 'no-zone' } })).toBe(0);
  });

  it('lists every problem at once', async () => {
    const res = await t.call('POST', '/v1/templates', {
      name: 'many',
      accountId,
      spec: { ...spec, charge: 'prepaid', dataDisks: [{ sizeGiB: 10 }], tags: { user_name: 'x' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/spec/dataDisks',
      '/spec/charge',
      '/spec/tags/user_name',
    ]);
    expect(platformCalls()).toBe(0);
  });

  it('is refused at update (a merge patch that removes the zone), the stored spec kept', async () => {
    const res = await t.call('PATCH', `/v1/templates/${templateId}`, { spec: { zone: null } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ in: 'body', pointer: '/spec/zone' });
    expect(platformCalls()).toBe(0);
    expect((await t.call('GET', `/v1/templates/${templateId}`)).body.spec.zone).toBe(spec.zone);
  });
});

describe('an account change that would break its templates', () => {
  it('is refused with the option and the template named, the account unchanged, no platform call', async () => {
    const before = (await t.call('GET', `/v1/accounts/${accountId}`)).body;
    const res = await t.call('PATCH', `/v1/accounts/${accountId}`, { options: { defaultNetworkId: null } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      {
        in: 'body',
        pointer: '/options/defaultNetworkId',
        detail: expect.stringMatching(new RegExp(`network is required.*template "checks", ${templateId}`)),
      },
    ]);
    expect(platformCalls()).toBe(0);
    expect((await t.call('GET', `/v1/accounts/${accountId}`)).body.options).toEqual(before.options);
  });

  it('is accepted when the templates do not depend on what it changes', async () => {
    const res = await t.call('PATCH', `/v1/accounts/${accountId}`, { options: { defaultZoneId: spec.zone } });
    expect(res.status).toBe(200);
    expect(res.body.options).toMatchObject({ defaultZoneId: spec.zone, defaultNetworkId: expect.any(String) });
    expect(platformCalls()).toBe(0);
    await t.call('PATCH', `/v1/accounts/${accountId}`, { options: { defaultZoneId: null } });
  });

  it('refuses a static-token account that names no login user', async () => {
    const res = await t.call('POST', '/v1/accounts', {
      ...sim.account('static-token'),
      credentials: { token: 'h3c-static-token' },
      options: { projectId: 'p1' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/options/userName' })]);
  });
});

describe('an expand of a template that cannot create', () => {
  it('is refused naming the template field, with no task written and no platform call', async () => {
    // A template saved before these checks existed: its spec names neither zone nor network.
    const broken = await t.prisma.template.create({
      data: {
        name: 'legacy-broken',
        accountId,
        spec: { instanceType: spec.instanceType, image: spec.image, namePrefix: 'legacy' },
      },
    });
    const res = await t.call('POST', `/v1/templates/${broken.id}/expand`, { count: 3 });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { in: 'template', pointer: '/spec/zone', detail: expect.stringContaining('zone is required') },
    ]);
    expect(platformCalls()).toBe(0);
    expect(await t.prisma.task.count({ where: { templateId: broken.id } })).toBe(0);
    await t.prisma.template.delete({ where: { id: broken.id } });
  });
});

describe('a single create that cannot work', () => {
  it('is refused with the inline spec field named and no platform call', async () => {
    const res = await t.call('POST', '/v1/instances', {
      accountId,
      spec: { instanceType: spec.instanceType, image: spec.image },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/spec/zone' })]);
    expect(platformCalls()).toBe(0);
  });
});
