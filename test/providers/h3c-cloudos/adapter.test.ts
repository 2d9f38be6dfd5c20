import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import { Image, InstanceType, Zone } from '../../../src/domain/catalog.ts';
import { ProviderInstance } from '../../../src/domain/instance.ts';
import { MachineSpec, type CreateInstanceRequest } from '../../../src/domain/machine-spec.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import {
  BASE_OPTIONS,
  PASSWORD_CREDENTIALS,
  PROJECT,
  STATIC_CREDENTIALS,
  startH3c,
  type H3cHarness,
} from './harness.ts';

let h: H3cHarness;
let p: Provider;
let metrics: Registry;
let spec: MachineSpec;

const request = (name: string, tags: Record<string, string> = {}): CreateInstanceRequest => ({
  name,
  spec,
  tags: { 'cp-task': 'task-1', ...tags },
});

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

async function created(name: string): Promise<string> {
  const accepted = await p.createInstance(request(name));
  expect(accepted.jobId).toBeNull();
  return accepted.instanceId!;
}

beforeAll(async () => {
  h = await startH3c({ images: 230 });
  ({ provider: p, metrics } = h.provider(PASSWORD_CREDENTIALS, { ...BASE_OPTIONS, statusMap: {} }));
  const [zones, types, images] = await Promise.all([p.listZones(), p.listInstanceTypes(), p.listImages()]);
  spec = MachineSpec.parse({ zone: zones[0]!.id, instanceType: types[0]!.id, image: images[0]!.id });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('catalog and credentials', () => {
  it('verifies password credentials with a fresh login and static ones with the project id', async () => {
    await p.verifyCredentials();
    const { provider } = h.provider(STATIC_CREDENTIALS, { ...BASE_OPTIONS, projectId: PROJECT.id });
    await provider.verifyCredentials();
    const counts = await h.counts();
    expect(counts['auth.login']).toBe(1);
    expect(counts['servers.list']).toBe(2);
  });

  it('refuses a static token without a project id before any platform call', async () => {
    const { provider } = h.provider(STATIC_CREDENTIALS);
    const err = await rejection(provider.verifyCredentials());
    expect(err.kind).toBe('invalid');
    expect(await h.counts()).toEqual({});
  });

  it('rejects a wrong password as auth with the platform message', async () => {
    const { provider } = h.provider({ ...PASSWORD_CREDENTIALS, password: 'wrong' });
    const err = await rejection(provider.verifyCredentials());
    expect(err).toMatchObject({
      kind: 'auth',
      providerCode: '401',
      providerMessage: 'The request you have made requires authentication.',
    });
  });

  it('lists zones, instance types and every page of images', async () => {
    const zones = await p.listZones();
    expect(zones.map((z) => Zone.parse(z))).toHaveLength(2);
    expect(zones[0]).toMatchObject({ name: 'cas-zone-01', region: null, available: true });
    const types = await p.listInstanceTypes();
    expect(types.map((t) => InstanceType.parse(t))).toContainEqual(
      expect.objectContaining({ vcpus: 4, memoryMiB: 16384, diskGiB: 60, zones: null }),
    );
    const images = await p.listImages();
    expect(images.map((i) => Image.parse(i))).toHaveLength(230);
    expect(new Set(images.map((i) => i.id)).size).toBe(230);
    expect(images[0]).toMatchObject({ status: 'active', visibility: 'public', os: expect.stringContaining('linux') });
    expect((await h.counts())['images.list']).toBe(2);
  });
});

describe('instances over the wire', () => {
  it('creates a machine that is pending, then running, with tags in metadata and no secret', async () => {
    const id = await created('cp-web-1');
    const pending = ProviderInstance.parse(await p.getInstance(id));
    expect(pending).toMatchObject({ status: 'pending', statusRaw: 'BUILD', name: 'cp-web-1', zone: spec.zone });
    await h.advance(3000);
    const running = ProviderInstance.parse(await p.getInstance(id));
    expect(running).toMatchObject({
      status: 'running',
      statusRaw: 'ACTIVE',
      instanceType: spec.instanceType,
      image: spec.image,
      tags: { 'cp-task': 'task-1' },
      region: null,
    });
    expect(running.privateIps).toEqual([expect.stringMatching(/^10\.20\.30\./)]);
    expect(running.launchedAt).toBeInstanceOf(Date);
    expect(running.providerData).not.toHaveProperty('adminPass');
    expect(JSON.stringify(running)).not.toContain('adminPass');
  });

  it('pages through the list with a marker and returns each machine once', async () => {
    const ids = [];
    for (let i = 1; i <= 7; i++) ids.push(await created(`cp-page-${i}`));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await p.listInstances({ pageSize: 3, ...(token ? { pageToken: token } : {}) });
      page.items.forEach((i) => ProviderInstance.parse(i));
      seen.push(...page.items.map((i) => i.providerId));
      token = page.nextPageToken ?? undefined;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(ids.sort());
  });

  it('lists by exact name only, although the platform filter is a regex', async () => {
    const [want] = [await created('web-1'), await created('web-10'), await created('xweb-1')];
    const page = await p.listInstances({ name: 'web-1' });
    expect(page.items.map((i) => i.providerId)).toEqual([want]);
    expect((await p.listInstances({ name: 'web' })).items).toEqual([]);
    const call = (await h.control('GET', '/calls')).recent.find((c: any) => c.op === 'servers.list_detail');
    expect(decodeURIComponent(call.url)).toContain('name=^web-1$');
  });

  it('stops, starts and reboots, reporting the transition states', async () => {
    const id = await created('cp-power-1');
    await h.advance(3000);
    await p.stopInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopping', statusRaw: 'ACTIVE' });
    await h.advance(1000);
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopped', statusRaw: 'SHUTOFF' });
    const conflict = await rejection(p.stopInstance(id));
    expect(conflict).toMatchObject({ kind: 'conflict', providerCode: '409' });
    await p.startInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'starting', statusRaw: 'SHUTOFF' });
    await h.advance(1000);
    await p.rebootInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'rebooting', statusRaw: 'REBOOT' });
    await h.advance(1000);
    expect(await p.getInstance(id)).toMatchObject({ status: 'running' });
  });

  it('gives a console URL for a running machine', async () => {
    const id = await created('cp-console-1');
    await h.advance(3000);
    const c = await p.getConsole(id);
    expect(c).toEqual({ type: 'novnc', url: expect.stringContaining('vnc_auto.html?token='), expiresAt: null });
  });

  it('deletes a machine, then get answers null and a second delete resolves', async () => {
    const id = await created('cp-del-1');
    await h.advance(3000);
    await p.deleteInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'deleting', statusRaw: 'DELETED' });
    await h.advance(1000);
    expect(await p.getInstance(id)).toBeNull();
    await p.deleteInstance(id);
    expect(await p.getInstance('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('refuses a create it cannot express before any platform call', async () => {
    const { provider } = h.provider(PASSWORD_CREDENTIALS, {});
    expect((await rejection(provider.createInstance(request('cp-nonet')))).kind).toBe('invalid');
    expect((await rejection(p.createInstance(request('cp-tag', { zone_uuid: 'x' })))).kind).toBe('invalid');
    const disks = { ...request('cp-disk'), spec: { ...spec, dataDisks: [{ sizeGiB: 10 }] } };
    expect((await rejection(p.createInstance(disks))).kind).toBe('invalid');
    expect((await h.counts())['servers.create']).toBeUndefined();
  });

  it('records a provider histogram labelled by operation', async () => {
    await p.getInstance(await created('cp-metric-1'));
    const metric = await metrics.getSingleMetric('provider_request_duration_seconds')!.get();
    const ops = new Set(metric.values.map((v) => v.labels.operation));
    for (const op of ['auth.login', 'zones.get', 'instances.create', 'instances.get', 'catalog.images'])
      expect(ops).toContain(op);
  });
});

describe('tokens', () => {
  it('logs in again once after the tokens expire, even for concurrent calls', async () => {
    await p.listZones();
    const before = (await h.counts())['auth.login'] ?? 0;
    await h.control('POST', '/tokens/expire', {});
    const results = await Promise.all([p.listZones(), p.listInstanceTypes(), p.listInstances({}), p.listZones()]);
    expect(results).toHaveLength(4);
    expect((await h.counts())['auth.login']).toBe(before + 1);
  });

  it('reports a rejected static token as auth with the platform message', async () => {
    const { provider } = h.provider({ token: 'not-a-token' }, { ...BASE_OPTIONS, projectId: PROJECT.id });
    const err = await rejection(provider.listInstances({}));
    expect(err).toMatchObject({
      kind: 'auth',
      providerCode: '401',
      providerMessage: 'The request you have made requires authentication.',
    });
    expect((await h.counts())['auth.login']).toBeUndefined();
  });
});

describe('faults', () => {
  const fault = (rule: Record<string, unknown>) => h.control('POST', '/faults', rule);

  it('retries a 5xx on a get and succeeds', async () => {
    const id = await created('cp-5xx-1');
    await fault({ op: 'servers.get', kind: 'http_error', status: 503, times: 1 });
    expect(await p.getInstance(id)).toMatchObject({ providerId: id });
    expect((await h.counts())['servers.get']).toBe(2);
  });

  it('does not resend a create that got a 5xx', async () => {
    await fault({ op: 'servers.create', kind: 'http_error', status: 500, times: 1 });
    const err = await rejection(p.createInstance(request('cp-5xx-2')));
    expect(err.kind).toBe('unavailable');
    expect((await h.counts())['servers.create']).toBe(1);
  });

  it('waits at least the Retry-After of a 429 before trying again', async () => {
    await p.listZones(); // the reset forgot the token: log in first so only the 429 is counted
    await fault({ op: 'flavors.list_detail', kind: 'rate_limit', retryAfterSec: 1, times: 1 });
    const started = performance.now();
    await p.listInstanceTypes();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect((await h.counts())['flavors.list_detail']).toBe(2);
  });

  it('times out a create without sending it twice', async () => {
    const { provider } = h.provider(PASSWORD_CREDENTIALS, { ...BASE_OPTIONS, timeoutMs: 300 });
    await provider.listZones();
    await fault({ op: 'servers.create', kind: 'timeout' });
    const err = await rejection(provider.createInstance(request('cp-slow-1')));
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect((await h.counts())['servers.create']).toBe(1);
  });

  it('reports a body of the wrong shape or not JSON as malformed', async () => {
    await fault({ op: 'servers.list_detail', kind: 'malformed', malformed: 'wrong_shape', times: 1 });
    expect((await rejection(p.listInstances({}))).kind).toBe('malformed');
    await fault({ op: 'azones.list', kind: 'malformed', malformed: 'invalid_json', times: 1 });
    expect((await rejection(p.listZones())).kind).toBe('malformed');
  });

  it('keeps a refusal code and message verbatim and does not retry it', async () => {
    const message = 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances';
    await fault({ op: 'servers.create', kind: 'refuse', status: 403, code: 'Compute.QuotaExceeded', message });
    const err = await rejection(p.createInstance(request('cp-quota-1')));
    expect(err).toMatchObject({ kind: 'quota', providerCode: 'Compute.QuotaExceeded', providerMessage: message });
    expect(err.retryable).toBe(false);
    expect((await h.counts())['servers.create']).toBe(1);
  });
});
