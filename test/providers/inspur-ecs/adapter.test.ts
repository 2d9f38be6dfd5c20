/**
 * The Inspur ECS adapter over real HTTP against its simulator: reads, actions and their
 * transitions, tags, the console, the catalog images and the route precedence cases.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Image } from '../../../src/domain/catalog.ts';
import { ProviderInstance } from '../../../src/domain/instance.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_IMAGES, type InspurImageSeed } from '../../../src/providers/inspur-ecs/simulator.ts';
import { rejection, serverId, startInspur, type InspurHarness } from './harness.ts';

let h: InspurHarness;
let p: Provider;

const RUNNING = serverId(1);
const STOPPED = serverId(2);
// A numeric id makes `/v1/servers/7/tags` look like page 7 of size "tags" (catalog §3).
const NUMERIC = '7';

const extraImages: InspurImageSeed[] = Array.from({ length: 230 }, (_, i) => ({
  id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `img-${i}`,
  visibility: i % 2 ? 'private' : 'public',
  system: 'centos7.1',
  systemType: 'linux',
  diskFormat: 'qcow2',
  sizeBytes: 1_073_741_824,
  minDisk: 20,
  tags: ['ECS'],
}));

beforeAll(async () => {
  h = await startInspur({
    servers: [
      { id: RUNNING, name: 'cp-web-1', flavor: 's1.medium.2', fixedIp: '10.20.30.11', tags: ['ECS', 'role=web'] },
      { id: STOPPED, name: 'cp-db-1', state: 'stopped', eip: false, tags: [] },
      { id: NUMERIC, name: 'cp-numeric', tags: ['n'] },
    ],
    images: [...DEMO_IMAGES, ...extraImages],
  });
  ({ provider: p } = h.provider());
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('credentials', () => {
  it('verifies a working token with one cheap list call', async () => {
    await p.verifyCredentials();
    expect(Object.values(await h.counts()).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('reports a wrong token as auth, with the platform code and message', async () => {
    const { provider } = h.provider({ token: 'not-a-token' });
    const err = await rejection(provider.verifyCredentials());
    expect(err.kind).toBe('auth');
    expect(err.providerMessage).toBeTruthy();
    expect(err.message).not.toContain('not-a-token');
  });

  it('reports a missing token as auth when the platform wants one', async () => {
    const { provider } = h.provider({});
    expect((await rejection(provider.verifyCredentials())).kind).toBe('auth');
  });
});

describe('authentication options (A40)', () => {
  it('sends the token in the header the account names', async () => {
    const other = await startInspur({ tokenHeader: 'x-auth-token' });
    try {
      await expect(
        other.provider(undefined, { authHeader: 'X-Auth-Token' }).provider.verifyCredentials(),
      ).resolves.toBeUndefined();
      expect((await rejection(other.provider().provider.verifyCredentials())).kind).toBe('auth');
    } finally {
      await other.close();
    }
  });

  it('sends no auth header at all for an account without a token', async () => {
    const open = await startInspur({ auth: 'none' });
    try {
      const page = await open.provider({}).provider.listInstances({});
      expect(page.items.length).toBeGreaterThan(0);
    } finally {
      await open.close();
    }
  });
});

describe('servers', () => {
  it('reads a server with its unified fields, its tags and no secret', async () => {
    const m = ProviderInstance.parse(await p.getInstance(RUNNING));
    expect(m).toMatchObject({
      providerId: RUNNING,
      name: 'cp-web-1',
      status: 'running',
      region: 'cn-north-3',
      zone: 'nova',
      instanceType: 's1.medium.2',
      privateIps: ['10.20.30.11'],
      tags: { ECS: '', role: 'web' },
    });
    expect(m.statusRaw.toUpperCase()).toBe('ACTIVE');
    expect(m.publicIps).toHaveLength(1);
    expect(m.image).toEqual(expect.any(String));
    expect(m.launchedAt).toBeInstanceOf(Date);
    expect(m.providerData).toMatchObject({ id: RUNNING });
    expect(JSON.stringify(m)).not.toMatch(/adminPass|"password"|"token"/);
  });

  it('answers null for a server the platform does not know (not-found is an HTTP 400 there)', async () => {
    expect(await p.getInstance(serverId(999))).toBeNull();
  });

  it('reads a server without an elastic IP as having no public address', async () => {
    expect(await p.getInstance(STOPPED)).toMatchObject({ status: 'stopped', publicIps: [] });
  });

  it('stops, starts and reboots, the status showing each transition', async () => {
    await p.stopInstance(RUNNING);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'stopping' });
    await h.advance(1000);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'stopped' });
    await p.startInstance(RUNNING);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'starting' });
    await h.advance(1000);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'running' });
    await p.rebootInstance(RUNNING);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'rebooting' });
    await h.advance(1000);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'running' });
    const ops = (await h.recent()).filter((c) => c.method === 'POST').map((c) => c.url);
    expect(ops).toEqual(Array(3).fill(`/v1/servers/${RUNNING}/action`));
  });

  it('lists servers with their tags, and filters by exact name', async () => {
    const page = await p.listInstances({});
    expect(page.nextPageToken).toBeNull();
    expect(page.items.map((i) => i.providerId).sort()).toEqual([RUNNING, STOPPED, NUMERIC].sort());
    expect(page.items.find((i) => i.providerId === RUNNING)?.tags).toEqual({ ECS: '', role: 'web' });
    const named = await p.listInstances({ name: 'cp-web-1' });
    expect(named.items.map((i) => i.providerId)).toEqual([RUNNING]);
    expect((await p.listInstances({ namePrefix: 'cp-d' })).items.map((i) => i.providerId)).toEqual([STOPPED]);
  });

  it('lists without tag reads when the account says so', async () => {
    const { provider } = h.provider(undefined, { listTags: false });
    await h.control('DELETE', '/calls');
    const page = await provider.listInstances({});
    expect(page.items.every((i) => Object.keys(i.tags).length === 0)).toBe(true);
    expect(Object.values(await h.counts()).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('refuses a page token it did not issue, before any call', async () => {
    const err = await rejection(p.listInstances({ pageToken: 'marker-abc' }));
    expect(err.kind).toBe('invalid');
    expect(await h.counts()).toEqual({});
  });
});

describe('tags and console', () => {
  it('replaces the whole tag set and reads it back', async () => {
    await p.setTags(RUNNING, { env: 'prod', ECS: '' });
    expect((await p.getInstance(RUNNING))?.tags).toEqual({ env: 'prod', ECS: '' });
    await p.setTags(RUNNING, {});
    expect((await p.getInstance(RUNNING))?.tags).toEqual({});
  });

  it('refuses a tag holding the wire separator before any call', async () => {
    const err = await rejection(p.setTags(RUNNING, { 'a,b': '1' }));
    expect(err.kind).toBe('invalid');
    expect(await h.counts()).toEqual({});
  });

  it('returns a noVNC console URL', async () => {
    const c = await p.getConsole(RUNNING);
    expect(c).toMatchObject({ type: 'novnc', expiresAt: null });
    expect(c.url).toMatch(/^https?:\/\/.+token=/);
  });
});

describe('catalog images', () => {
  it('reads every page of the image list, each image once', async () => {
    const images = await p.listImages();
    images.forEach((i) => Image.parse(i));
    expect(images.length).toBe(DEMO_IMAGES.length + extraImages.length);
    expect(new Set(images.map((i) => i.id)).size).toBe(images.length);
    expect(images.find((i) => i.id === extraImages[1]!.id)).toMatchObject({
      name: 'img-1',
      visibility: 'private',
      os: 'centos7.1',
      minDiskGiB: 20,
    });
  });
});

describe('route precedence (catalog §3)', () => {
  it('reads the tags of a server whose id is a number, not a page of servers', async () => {
    expect((await p.getInstance(NUMERIC))?.tags).toEqual({ n: '' });
    const calls = (await h.recent()).map((c) => c.url);
    expect(calls).toContain(`/v1/servers/${NUMERIC}/tags`);
  });

  it('pages servers through the path while a server id route exists beside it', async () => {
    const page = await p.listInstances({ pageSize: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextPageToken).not.toBeNull();
    expect((await h.recent()).map((c) => c.url.split('?')[0])).toContain('/v1/servers/1/2');
  });

  it('dispatches every action of the shared action route by its body key', async () => {
    await p.getConsole(RUNNING);
    await p.stopInstance(RUNNING);
    await h.advance(1000);
    await p.startInstance(RUNNING);
    await h.advance(1000);
    await p.rebootInstance(RUNNING);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'rebooting' });
  });
});
