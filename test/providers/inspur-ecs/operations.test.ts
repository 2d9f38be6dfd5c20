/**
 * The typed operations over real HTTP: the image calls (ops 12, 14–18), the server search,
 * the reboot of either kind and the raw tags, with every image error code of the document.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Provider } from '../../../src/providers/registry.ts';
import { definitionOf } from '../../../src/providers/registry.ts';
import type { InspurImageSeed } from '../../../src/providers/inspur-ecs/simulator.ts';
import { rejection, serverId, startInspur, type InspurHarness } from './harness.ts';

let h: InspurHarness;
let p: Provider;

const image = (n: number, visibility: 'public' | 'private', extra: Partial<InspurImageSeed> = {}): InspurImageSeed => ({
  id: `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `cp-img-${n}`,
  visibility,
  system: 'centos7.1',
  systemType: 'linux',
  diskFormat: 'raw',
  sizeBytes: 1_073_741_824,
  minDisk: 1,
  tags: ['ECS'],
  ...extra,
});
const PUBLIC = image(1, 'public');
const PRIVATE = image(2, 'private', { description: 'golden' });
const USED = image(3, 'private');
const SPARE = [image(4, 'private'), image(5, 'private')];
const RUNNING = serverId(1);
const STOPPED = serverId(2);
const BROKEN = serverId(3);
const MISSING_IMAGE = '20000000-0000-4000-8000-000000000999';

const run = (name: string, input: unknown) => p.runOperation(name, input) as Promise<any>;

beforeAll(async () => {
  h = await startInspur({
    images: [PUBLIC, PRIVATE, USED, ...SPARE],
    servers: [
      { id: RUNNING, name: 'cp-web-1', imageId: USED.id, tags: ['ECS', 'web'] },
      { id: STOPPED, name: 'cp-off', state: 'stopped' },
      { id: BROKEN, name: 'cp-broken', status: 'ERROR' },
    ],
  });
  ({ provider: p } = h.provider());
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('the catalog', () => {
  const ops = definitionOf('inspur-ecs')!.operations;

  it('publishes unique operation names with JSON-describable input and output schemas', () => {
    expect(new Set(ops.map((o) => o.name)).size).toBe(ops.length);
    for (const op of ops) {
      expect(op.name).toMatch(/^[a-z][a-z0-9_.-]{0,99}$/);
      expect(z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' })).toBeTruthy();
      expect(z.toJSONSchema(op.output, { unrepresentable: 'any' })).toBeTruthy();
    }
  });

  it('refuses input its schema does not accept, before any call', async () => {
    await expect(run('images.update', { imageId: PRIVATE.id })).rejects.toThrow();
    await expect(run('images.batch_delete', { imageIds: [] })).rejects.toThrow();
    expect(await h.counts()).toEqual({});
  });
});

describe('images', () => {
  it('lists every private image in one call, tag ECS', async () => {
    const out = await run('images.list_private', {});
    const ids = out.images.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([PRIVATE.id, USED.id, ...SPARE.map((s) => s.id)]));
    expect(ids).not.toContain(PUBLIC.id);
    expect(out.totalCount).toBe(ids.length);
    expect((await h.recent())[0]?.url).toMatch(/^\/v1\/images\/private\?tag=ECS$/);
  });

  it('shows one image, camelCase, with its times in UTC', async () => {
    const out = await run('images.get', { imageId: PRIVATE.id });
    expect(out).toMatchObject({
      id: PRIVATE.id,
      name: PRIVATE.name,
      visibility: 'private',
      status: 'active',
      description: 'golden',
      os: 'centos7.1',
      diskFormat: 'raw',
      sizeBytes: PRIVATE.sizeBytes,
      minDiskGiB: 1,
      tags: ['ECS'],
    });
    expect(out.createdAt).toMatch(/Z$/);
  });

  it('reports an unknown image as a platform refusal', async () => {
    const err = await rejection(run('images.get', { imageId: MISSING_IMAGE }));
    expect(err.providerCode).toBeTruthy();
    expect(err.kind).toBe('not_found');
  });

  it('renames a private image and changes its description', async () => {
    await expect(run('images.update', { imageId: PRIVATE.id, name: 'renamed', description: 'new' })).resolves.toEqual({
      accepted: true,
    });
    expect(await run('images.get', { imageId: PRIVATE.id })).toMatchObject({ name: 'renamed', description: 'new' });
  });

  it('refuses to modify a public image (101.003017)', async () => {
    const err = await rejection(run('images.update', { imageId: PUBLIC.id, name: 'x' }));
    expect(err).toMatchObject({
      kind: 'invalid',
      providerCode: '101.003017',
      providerMessage: '非私有镜像不可进行修改',
    });
  });

  it('makes an image of a server: 201, queued, then saving, then active; no change while in the making', async () => {
    const { imageId } = await run('images.create_from_server', {
      serverId: RUNNING,
      name: 'cp-snap',
      description: 'from cp-web-1',
      metadata: { purpose: 'test' },
    });
    expect(imageId).toEqual(expect.any(String));
    const first = await run('images.get', { imageId });
    expect(['queued', 'saving']).toContain(first.status);
    expect(first.sourceServerId).toBe(RUNNING);
    // 101.003016: an image still being created cannot be modified.
    const err = await rejection(run('images.update', { imageId, name: 'too-early' }));
    expect(err).toMatchObject({
      kind: 'conflict',
      providerCode: '101.003016',
      providerMessage: '创建中的镜像不可进行修改',
    });
    await h.advance(60_000);
    expect(await run('images.get', { imageId })).toMatchObject({ status: 'active', name: 'cp-snap' });
  });

  it('refuses an image of a server in a state that cannot make one (101.003011), naming the state', async () => {
    const err = await rejection(run('images.create_from_server', { serverId: BROKEN, name: 'x', description: '' }));
    expect(err.kind).toBe('conflict');
    expect(err.providerCode).toBe('101.003011');
    expect(err.providerMessage).toMatch(/^虚机不能创建自定义镜像,状态:\S+$/);
    expect(err.providerMessage).not.toContain('%s');
  });

  it('deletes an unused image, and refuses one a server uses (101.003015)', async () => {
    await expect(run('images.delete', { imageId: PRIVATE.id })).resolves.toEqual({ accepted: true });
    await h.advance(60_000);
    await rejection(run('images.get', { imageId: PRIVATE.id }));
    const err = await rejection(run('images.delete', { imageId: USED.id }));
    expect(err.kind).toBe('conflict');
    expect(err.providerCode).toBe('101.003015');
    expect(err.providerMessage).toContain('cp-web-1');
  });

  it.each(['/v1/images/delete', '/v1/images/action/delete'])(
    'deletes several images at %s and reads the text summary into counts',
    async (batchDeletePath) => {
      const { provider } = h.provider(undefined, { batchDeletePath });
      const out = (await provider.runOperation('images.batch_delete', {
        imageIds: [...SPARE.map((s) => s.id), MISSING_IMAGE],
      })) as { summary: string; succeeded: number; failed: number };
      expect(out).toMatchObject({ succeeded: 2, failed: 1 });
      expect(out.summary).toContain('2');
      expect((await h.recent()).map((c) => c.url)).toContain(batchDeletePath);
    },
  );
});

describe('servers', () => {
  it('searches abnormal servers with the special status value', async () => {
    const out = await run('servers.search', { searchField: 'status', searchValue: 'unusual' });
    expect(out.servers.map((s: { id: string }) => s.id)).toEqual([BROKEN]);
    expect(out.servers[0]).toMatchObject({ status: 'error' });
  });

  it('searches by name and sorts', async () => {
    const out = await run('servers.search', { searchField: 'name', searchValue: 'cp-web-1', pageSize: 10 });
    expect(out.servers.map((s: { id: string }) => s.id)).toEqual([RUNNING]);
    const sorted = await run('servers.search', { sortField: 'createTime', sortOrder: 'descend' });
    expect(sorted.totalCount).toBe(3);
  });

  it('hard-reboots a stopped server, which a soft reboot may not', async () => {
    await rejection(run('servers.reboot', { serverId: STOPPED }));
    await expect(run('servers.reboot', { serverId: STOPPED, type: 'HARD' })).resolves.toEqual({ accepted: true });
    expect(await p.getInstance(STOPPED)).toMatchObject({ status: 'rebooting' });
  });

  it('reads the raw tag strings', async () => {
    expect(await run('servers.tags.get', { serverId: RUNNING })).toEqual({ tags: ['ECS', 'web'] });
  });
});
