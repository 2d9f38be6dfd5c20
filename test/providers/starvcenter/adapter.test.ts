/**
 * The StarVCenter adapter over HTTP against its simulator (the independent reading): catalog,
 * the machine lifecycle with the transitions the adapter derives, listing and paging, names
 * with non-ASCII text, tags in the description, consoles and deletes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Image, InstanceType } from '../../../src/domain/catalog.ts';
import { ProviderInstance } from '../../../src/domain/instance.ts';
import { MachineSpec, type CreateInstanceRequest } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_MODELS, DEMO_TEMPLATES } from '../../../src/providers/starvcenter/simulator.ts';
import { DELAYS, NETWORK_ID, OPTIONS, startStarVCenter, type StarHarness } from './harness.ts';

let h: StarHarness;
let p: Provider;
const spec = MachineSpec.parse({ instanceType: 'c2m4096', image: 'model:centos-7-9' });
const request = (name: string, over: Partial<MachineSpec> = {}): CreateInstanceRequest => ({
  name,
  spec: { ...spec, ...over },
  tags: { 'cloudplane-task': 'task-1' },
});

async function created(name: string, over: Partial<MachineSpec> = {}): Promise<string> {
  const accepted = await p.createInstance(request(name, over));
  expect(accepted.instanceId).toEqual(expect.any(String));
  return accepted.instanceId!;
}

async function running(name: string, over: Partial<MachineSpec> = {}): Promise<string> {
  const id = await created(name, over);
  await h.advance(DELAYS.bootMs);
  expect(await p.getInstance(id)).toMatchObject({ status: 'running', statusRaw: '1' });
  return id;
}

const wireCalls = async (path: string) => (await h.calls()).filter((c) => c.url.includes(path)).length;

beforeAll(async () => {
  h = await startStarVCenter();
});
afterAll(() => h.close());
// The simulator's ids repeat after a reset (same seed): each test gets a fresh adapter too.
beforeEach(async () => {
  await h.reset();
  ({ provider: p } = h.provider());
});

describe('catalog and credentials', () => {
  it('verifies the token with one search of one VM', async () => {
    await p.verifyCredentials();
    const calls = await h.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/starvcenter/services/cloudresource/cloudvm/search' });
  });

  it('lists the configured instance types and every model as an image', async () => {
    const types = (await p.listInstanceTypes()).map((t) => InstanceType.parse(t));
    expect(types[0]).toEqual({
      id: 'c1m1024',
      name: '1 vCPU, 1024 MiB',
      vcpus: 1,
      memoryMiB: 1024,
      diskGiB: null,
      zones: null,
    });
    const images = (await p.listImages()).map((i) => Image.parse(i));
    expect(images.map((i) => i.id).sort()).toEqual(DEMO_MODELS.map((m) => `model:${m.code}`).sort());
    expect(images.find((i) => i.id === 'model:win-2022')).toMatchObject({ name: 'WIN_2022' });
  });

  it('works with the bare server origin as endpoint, adding the documented base path', async () => {
    const { provider } = h.provider(undefined, OPTIONS, h.baseUrl);
    await provider.verifyCredentials();
    expect((await h.calls())[0]?.url).toBe('/starvcenter/services/cloudresource/cloudvm/search');
  });
});

describe('machines over the wire', () => {
  it('creates from a model: pending while installing, then running, with its size, image and IP', async () => {
    const accepted = await p.createInstance(request('cp-web-1'));
    expect(accepted.jobId).toMatch(/^create:[^:]+:[^:]+:cp-web-1$/);
    const id = accepted.instanceId!;
    expect(ProviderInstance.parse(await p.getInstance(id))).toMatchObject({ status: 'pending', statusRaw: '3' });
    await h.advance(DELAYS.bootMs);
    const vm = ProviderInstance.parse(await p.getInstance(id));
    expect(vm).toMatchObject({
      providerId: id,
      name: 'cp-web-1',
      status: 'running',
      statusRaw: '1',
      instanceType: 'c2m4096',
      image: 'model:centos-7-9',
      region: null,
      zone: null,
    });
    expect(vm.privateIps).toEqual([expect.stringMatching(/^10\.20\./)]);
    expect(vm.launchedAt).toBeInstanceOf(Date);
    const param = (await h.calls()).find((c) => c.url.endsWith('/cloudvm/create'));
    expect(param).toBeDefined();
  });

  it('creates from a VM template: pending while cloning', async () => {
    const id = await created('cp-tpl-1', { image: `template:${DEMO_TEMPLATES[0].id}` });
    expect(await p.getInstance(id)).toMatchObject({ status: 'pending', statusRaw: '4' });
    await h.advance(DELAYS.bootMs);
    expect(await p.getInstance(id)).toMatchObject({ status: 'running', statusRaw: '1' });
  });

  it('keeps non-ASCII names exactly, whatever Base64 padding their parameters need', async () => {
    // Names of 1, 2 and 3 three-byte characters move the parameter text through every padding length.
    const names = ['测', '测试', '测试机', 'cp-节点-ä-1'];
    const ids = [];
    for (const name of names) ids.push(await created(name));
    for (const [i, name] of names.entries()) expect((await p.getInstance(ids[i]!))?.name).toBe(name);
    const page = await p.listInstances({ name: '测试' });
    expect(page.items.map((m) => m.providerId)).toEqual([ids[1]]);
  });

  it('finds machines by exact name and by marker prefix although the platform matches fuzzily', async () => {
    const [a, b] = [await created('cp-0a1b2c3d-1'), await created('cp-0a1b2c3d-2')];
    await created('cp-0a1b2c3d'); // a prefix of the others, not a match of the marker prefix
    await created('x-cp-0a1b2c3d-3'); // contains the prefix, does not start with it
    const byPrefix = await p.listInstances({ namePrefix: 'cp-0a1b2c3d-' });
    expect(byPrefix.items.map((m) => m.providerId).sort()).toEqual([a, b].sort());
    const byName = await p.listInstances({ name: 'cp-0a1b2c3d' });
    expect(byName.items.map((m) => m.name)).toEqual(['cp-0a1b2c3d']);
  });

  it('pages by page number, 30 at most, and returns each machine once', async () => {
    const before = new Set<string>();
    for (let token: string | undefined, n = 0; n === 0 || token; n++) {
      const page = await p.listInstances({ pageSize: 30, ...(token ? { pageToken: token } : {}) });
      page.items.forEach((m) => before.add(m.providerId));
      token = page.nextPageToken ?? undefined;
    }
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) ids.push(await created(`cp-page-${i}`));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await p.listInstances({ pageSize: 3, ...(token ? { pageToken: token } : {}) });
      page.items.forEach((m) => ProviderInstance.parse(m));
      seen.push(...page.items.map((m) => m.providerId));
      token = page.nextPageToken ?? undefined;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil((before.size + 7) / 3));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...before, ...ids].sort());
    // The engine asks for 1,000 a page: the adapter asks the platform for its maximum, 30.
    await p.listInstances({ pageSize: 1000 });
    const last = (await h.calls()).at(-1)!;
    expect(last.url).toContain('cloudvm/search');
  });

  it('answers null for a machine the platform does not know', async () => {
    expect(await p.getInstance('vm-does-not-exist')).toBeNull();
  });

  it('stops with an OS shutdown when the guest supports it, reporting stopping until it is off', async () => {
    const id = await running('cp-power-1');
    await p.stopInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopping', statusRaw: '1' });
    await h.advance(DELAYS.stopMs);
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopped', statusRaw: '0' });
    expect(await wireCalls('/cloudvm/shutdown')).toBe(1);
    expect(await wireCalls('/cloudvm/destroy')).toBe(0);

    await p.startInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'starting', statusRaw: '0' });
    await h.advance(DELAYS.startMs);
    expect(await p.getInstance(id)).toMatchObject({ status: 'running', statusRaw: '1' });
  });

  it('powers off (destroy, not delete) a guest without an agent', async () => {
    const id = await running('cp-win-1', { image: 'model:win-2022' });
    await p.stopInstance(id);
    expect(await wireCalls('/cloudvm/destroy')).toBe(1);
    expect(await wireCalls('/cloudvm/shutdown')).toBe(0);
    await h.advance(DELAYS.stopMs);
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopped', statusRaw: '0' });
  });

  it('powers off with destroy when the account turns soft stops off', async () => {
    const { provider } = h.provider(undefined, { ...OPTIONS, softStop: false });
    const id = await running('cp-hard-1');
    await provider.stopInstance(id);
    expect(await wireCalls('/cloudvm/destroy')).toBe(1);
  });

  it('reports rebooting for the configured window after a restart, then running', async () => {
    const { provider } = h.provider(undefined, { ...OPTIONS, rebootWindowMs: 300 });
    const id = await running('cp-reboot-1');
    await provider.rebootInstance(id);
    expect(await provider.getInstance(id)).toMatchObject({ status: 'rebooting', statusRaw: '1' });
    await h.advance(DELAYS.rebootMs);
    await vi.waitFor(async () => expect(await provider.getInstance(id)).toMatchObject({ status: 'running' }), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await wireCalls('/cloudvm/restart')).toBe(1);
  });

  it('writes tags into the description and reads them back', async () => {
    const id = await running('cp-tags-1');
    expect((await p.getInstance(id))?.tags).toEqual({});
    await p.setTags(id, { 'cloudplane-template': 'tpl-1', team: '运维' });
    const vm = await p.getInstance(id);
    expect(vm?.tags).toEqual({ 'cloudplane-template': 'tpl-1', team: '运维' });
    expect(vm?.providerData['vm.desc']).toMatch(/^cloudplane-tags:/);
  });

  it('gives the console URL', async () => {
    const id = await running('cp-console-1');
    const console = await p.getConsole(id);
    expect(console).toEqual({ type: 'vnc', url: expect.stringMatching(/^https?:\/\//), expiresAt: null });
  });

  it('deletes a machine, reporting deleting until the platform no longer knows it', async () => {
    const id = await running('cp-del-1');
    await p.deleteInstance(id);
    expect(await p.getInstance(id)).toMatchObject({ status: 'deleting' });
    await h.advance(DELAYS.deleteMs);
    expect(await p.getInstance(id)).toBeNull();
    // Deleting what is gone is done, not an error.
    await expect(p.deleteInstance(id)).resolves.toBeUndefined();
  });

  it('never puts the login password into providerData', async () => {
    const id = await created('cp-secret-1', { login: { password: 'Sup3r-secret!' } });
    await h.advance(DELAYS.bootMs);
    const vm = await p.getInstance(id);
    expect(JSON.stringify(vm)).not.toContain('Sup3r-secret!');
    const page = await p.listInstances({ name: 'cp-secret-1' });
    expect(JSON.stringify(page)).not.toContain('Sup3r-secret!');
  });

  it('creates data disks of one size, and exposes nested virtualisation when the account asks', async () => {
    const { provider } = h.provider(undefined, { ...OPTIONS, nestedVirtualization: true });
    const { instanceId } = await provider.createInstance(
      request('cp-disks-1', { dataDisks: [{ sizeGiB: 77 }, { sizeGiB: 77 }], login: { password: 'Passw0rd!' } }),
    );
    await h.advance(DELAYS.bootMs);
    const disks = (await provider.runOperation('disks.search', { vmId: instanceId })) as {
      items: { sizeGiB: string }[];
    };
    expect(disks.items.filter((d) => d.sizeGiB === '77')).toHaveLength(2);
  });

  it('sends the create on the default network, or on the network the spec names', async () => {
    const id = await running('cp-net-1', { network: { subnetId: 'pg-demo-db' } });
    expect((await p.getInstance(id))?.privateIps[0]).toMatch(/^192\.168\.20\./);
    expect(NETWORK_ID).toBe('pg-demo-app');
  });
});
