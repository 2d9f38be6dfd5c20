/**
 * Image routes of the Inspur ECS simulator over HTTP: list, list private, detail, delete,
 * batch delete (both documented paths), update, with their error codes and the route
 * precedence of `/v1/images/private`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IMAGES, DEMO_SERVERS, DEMO_TENANT, DEMO_TOKEN } from '../../../src/providers/inspur-ecs/simulator.ts';
import { DELAYS, type InspurSim, refusalOf, startInspur } from './simulator-harness.ts';

const [CENTOS, UBUNTU, WINDOWS, GOLDEN] = DEMO_IMAGES.map((i) => i.id) as [string, string, string, string];
const WEB1 = DEMO_SERVERS[0]?.id as string;
const OTHER = { id: '1b2c3d4e5f6a47b8c9d0e1f2a3b4c5d6', name: 'other', userId: 'u2', userName: 'other-user' };

let s: InspurSim;
beforeAll(async () => {
  s = await startInspur({
    tenants: [DEMO_TENANT, OTHER],
    tokens: { [DEMO_TOKEN]: DEMO_TENANT.id, 'other-token': OTHER.id },
  });
});
afterAll(() => s.close());
beforeEach(() => s.reset());

const param = (name: string) => ({ status: 400, code: '101.001002', message: `参数${name}不符合规范`, data: null });
const noImage = (id: string) => ({ status: 404, code: '404', message: `镜像${id}不存在`, data: null });
const ids = (a: { json: any }): string[] => a.json.data.images.map((i: { id: string }) => i.id);
/** A private image made from a server, already active. */
async function privateImage(name: string): Promise<string> {
  const r = await s.call('POST', `/v1/servers/${WEB1}/action`, { createImage: { name, description: 'd' } });
  await s.advance(DELAYS.imageQueueMs + DELAYS.imageSaveMs);
  return r.json.data.image_id;
}
const seedImage = (body: Record<string, unknown>) => s.control('POST', '/images', body);

describe('list images: GET /v1/images (op 13)', () => {
  it('lists public images and the caller’s private ones, oldest first, 10 a page by default (A30)', async () => {
    const r = await s.call('GET', '/v1/images');
    expect(r.status).toBe(200);
    expect(r.json.code).toBe(200);
    expect(r.json.message).toBe('OK');
    expect(r.json.data.totalCount).toBe(4);
    // Seeded at one instant: creation order decides.
    expect(ids(r)).toEqual([CENTOS, UBUNTU, WINDOWS, GOLDEN]);
    expect(r.json.data.images[0]).toEqual({
      id: CENTOS,
      name: 'centos7.9-x86_64',
      tags: ['centos', 'ECS'],
      status: 'active',
      checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
      owner: expect.any(String),
      visibility: 'public',
      size: 1_073_741_824,
      locations: [{ url: `rbd://7f3a5c9e-1b2d-4e6f-8a0c-9d1e3f5a7b2c/images/${CENTOS}/snap`, metadata: {} }],
      self: `/v2/images/${CENTOS}`,
      file: `/v2/images/${CENTOS}/file`,
      schema: '/v2/schemas/image',
      description: 'CentOS 7.9 base image',
      system: 'centos7.9',
      systemType: 'linux',
      container_format: 'bare',
      disk_format: 'qcow2',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
      updated_at: expect.stringMatching(/\+0000$/),
      min_disk: 40,
      min_ram: 0,
      protected: false,
      direct_url: `rbd://7f3a5c9e-1b2d-4e6f-8a0c-9d1e3f5a7b2c/images/${CENTOS}/snap`,
    });
    // Another tenant does not see the demo tenant's private image.
    expect(ids(await s.call('GET', '/v1/images', undefined, { token: 'other-token' }))).not.toContain(GOLDEN);
  });

  it('pages, searches by name or id, filters by visibility and sorts', async () => {
    for (let i = 1; i <= 12; i++)
      await seedImage({
        id: `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
        name: `pub-${i}`,
        visibility: 'public',
      });
    const page2 = await s.call('GET', '/v1/images?page=2&pageSize=5');
    expect(page2.json.data.totalCount).toBe(16);
    expect(page2.json.data.images.map((i: { name: string }) => i.name)).toEqual([
      'pub-2',
      'pub-3',
      'pub-4',
      'pub-5',
      'pub-6',
    ]);
    expect(ids(await s.call('GET', '/v1/images?visibility=private'))).toEqual([GOLDEN]);
    expect((await s.call('GET', '/v1/images?searchValue=UBUNTU')).json.data.totalCount).toBe(1);
    expect(ids(await s.call('GET', `/v1/images?searchValue=${WINDOWS.slice(0, 8)}`))).toEqual([WINDOWS]);
    const byName = await s.call('GET', '/v1/images?sortField=name&sortOrder=ascend&pageSize=3');
    expect(byName.json.data.images.map((i: { name: string }) => i.name)).toEqual([
      'centos7.9-x86_64',
      'demo-golden',
      'pub-1',
    ]);
  });

  it('refuses bad query values with 101.001002 naming them', async () => {
    expect(refusalOf(await s.call('GET', '/v1/images?page=0'))).toEqual(param('page'));
    expect(refusalOf(await s.call('GET', '/v1/images?pageSize=5000'))).toEqual(param('pageSize'));
    expect(refusalOf(await s.call('GET', '/v1/images?visibility=shared'))).toEqual(param('visibility'));
    expect(refusalOf(await s.call('GET', '/v1/images?sortField=size'))).toEqual(param('sortField'));
  });
});

describe('list private images: GET /v1/images/private (op 14)', () => {
  it('answers every private image of the caller carrying the tag, unpaged, with a total (A32)', async () => {
    const made = await privateImage('img-a');
    const r = await s.call('GET', '/v1/images/private?tag=ECS');
    expect(r.json).toMatchObject({ code: 200, message: 'OK', data: { totalCount: 2 } });
    expect(ids(r)).toEqual([GOLDEN, made]);
    expect(r.json.data.images.every((i: { visibility: string }) => i.visibility === 'private')).toBe(true);
    expect((await s.call('GET', '/v1/images/private?tag=nothing')).json.data).toEqual({ totalCount: 0, images: [] });
  });

  it('needs the tag, and is not read as an image id (route precedence)', async () => {
    expect(refusalOf(await s.call('GET', '/v1/images/private'))).toEqual(param('tag'));
    const counts = (await s.control('GET', '/calls')).json.counts;
    expect(counts['images.list_private']).toBe(1);
    expect(counts['images.get']).toBeUndefined();
  });
});

describe('image details: GET /v1/images/{imageId} (op 15)', () => {
  it('answers the flat image with systemDisk and instance_uuid (A33)', async () => {
    const r = await s.call('GET', `/v1/images/${GOLDEN}`);
    expect(r.json.code).toBe(200);
    expect(r.json.data).toMatchObject({ id: GOLDEN, visibility: 'private', systemDisk: '1', instance_uuid: WEB1 });
    expect(r.json.data).not.toHaveProperty('image');
  });

  it('answers 404 for an unknown image, or another tenant’s private one (A33)', async () => {
    expect(refusalOf(await s.call('GET', '/v1/images/ghost'))).toEqual(noImage('ghost'));
    expect(refusalOf(await s.call('GET', `/v1/images/${GOLDEN}`, undefined, { token: 'other-token' }))).toEqual(
      noImage(GOLDEN),
    );
  });
});

describe('delete an image: DELETE /v1/images/{image_id} (op 16)', () => {
  it('answers {code:200,data:""} without a message; the image is pending_delete, then gone (A35)', async () => {
    const id = await privateImage('old');
    const r = await s.call('DELETE', `/v1/images/${id}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ code: 200, data: '' });
    expect((await s.call('GET', `/v1/images/${id}`)).json.data.status).toBe('pending_delete');
    // Deleting it again while it goes is not an error.
    expect((await s.call('DELETE', `/v1/images/${id}`)).status).toBe(200);
    await s.advance(DELAYS.imageDeleteMs);
    expect(refusalOf(await s.call('GET', `/v1/images/${id}`))).toEqual(noImage(id));
  });

  it('refuses an image a server uses with 101.003015 naming the server', async () => {
    await s.control('POST', '/servers/seed', { servers: [{ name: 'from-golden', imageId: GOLDEN }] });
    expect(refusalOf(await s.call('DELETE', `/v1/images/${GOLDEN}`))).toEqual({
      status: 400,
      code: '101.003015',
      message: '当前镜像无法删除，已关联云服务器"from-golden"',
      data: null,
    });
  });

  it('refuses a public or protected image with 101.003006 at HTTP 500, and answers 404 for an unknown one', async () => {
    const failed = { status: 500, code: '101.003006', message: '删除镜像失败', data: null };
    expect(refusalOf(await s.call('DELETE', `/v1/images/${UBUNTU}`))).toEqual(failed);
    await seedImage({ id: 'locked-1', name: 'locked', visibility: 'private', protected: true });
    expect(refusalOf(await s.call('DELETE', '/v1/images/locked-1'))).toEqual(failed);
    expect(refusalOf(await s.call('DELETE', '/v1/images/ghost'))).toEqual(noImage('ghost'));
    // DELETE /v1/images/private names an image called "private".
    expect(refusalOf(await s.call('DELETE', '/v1/images/private'))).toEqual(noImage('private'));
  });
});

describe('batch delete images: POST /v1/images/delete and /v1/images/action/delete (op 17)', () => {
  it('deletes what it can and counts the outcome in a sentence, on both documented paths (A31, A36)', async () => {
    for (const path of ['/v1/images/delete', '/v1/images/action/delete']) {
      await s.reset();
      const a = await privateImage('a');
      const b = await privateImage('b');
      const r = await s.call('POST', path, { images: [{ id: a }, { id: b }, { id: UBUNTU }] });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ code: 200, message: 'OK', data: { status: '删除成功2台,删除失败1台' } });
      expect((await s.call('GET', `/v1/images/${a}`)).json.data.status).toBe('pending_delete');
    }
  });

  it('answers 101.003006 at HTTP 500 when nothing could be deleted, the count still in data', async () => {
    const r = await s.call('POST', '/v1/images/delete', { images: [{ id: 'ghost' }, { id: CENTOS }] });
    expect(refusalOf(r)).toEqual({
      status: 500,
      code: '101.003006',
      message: '删除镜像失败',
      data: { status: '删除成功0台,删除失败2台' },
    });
  });

  it('takes 1 to 100 entries of {id}', async () => {
    expect(refusalOf(await s.call('POST', '/v1/images/delete', { images: [] }))).toEqual(param('images'));
    expect(refusalOf(await s.call('POST', '/v1/images/delete', { images: ['x'] }))).toMatchObject({
      code: '101.001002',
    });
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `x${i}` }));
    expect(refusalOf(await s.call('POST', '/v1/images/delete', { images: many }))).toEqual(param('images'));
  });
});

describe('update an image: PATCH /v1/images/{image_id} (op 18)', () => {
  const patch = (id: string, ops: unknown, contentType = 'application/json') =>
    s.call('PATCH', `/v1/images/${id}`, undefined, { raw: { body: JSON.stringify(ops), contentType } });

  it('renames and re-describes a private image, as JSON or Glance json-patch (A37)', async () => {
    const r = await patch(GOLDEN, [
      { op: 'add', path: '/name', value: 'golden-v2' },
      { op: 'add', path: '/description', value: 'second cut' },
    ]);
    expect(r.json).toEqual({ code: 200, data: '', message: 'update image success' });
    expect((await s.call('GET', `/v1/images/${GOLDEN}`)).json.data).toMatchObject({
      name: 'golden-v2',
      description: 'second cut',
    });
    await patch(GOLDEN, [{ op: 'remove', path: '/description' }], 'application/openstack-images-v2.1-json-patch');
    expect((await s.call('GET', `/v1/images/${GOLDEN}`)).json.data.description).toBe('');
  });

  it('refuses an image being created (101.003016), a public one (101.003017) and one being deleted (101.003005)', async () => {
    const fresh = (await s.call('POST', `/v1/servers/${WEB1}/action`, { createImage: { name: 'n', description: '' } }))
      .json.data.image_id as string;
    const rename = [{ op: 'replace', path: '/name', value: 'x' }];
    expect(refusalOf(await patch(fresh, rename))).toEqual({
      status: 400,
      code: '101.003016',
      message: '创建中的镜像不可进行修改',
      data: null,
    });
    expect(refusalOf(await patch(CENTOS, rename))).toEqual({
      status: 400,
      code: '101.003017',
      message: '非私有镜像不可进行修改',
      data: null,
    });
    await s.call('DELETE', `/v1/images/${GOLDEN}`);
    expect(refusalOf(await patch(GOLDEN, rename))).toEqual({
      status: 500,
      code: '101.003005',
      message: '更新镜像失败',
      data: null,
    });
  });

  it('refuses malformed patches with 101.001002', async () => {
    expect(refusalOf(await patch(GOLDEN, []))).toMatchObject({ code: '101.001002' });
    expect(refusalOf(await patch(GOLDEN, [{ op: 'add', path: '/owner', value: 'me' }]))).toEqual(param('path'));
    expect(refusalOf(await patch(GOLDEN, [{ op: 'add', path: '/name' }]))).toEqual(param('value'));
    expect(refusalOf(await patch(GOLDEN, [{ op: 'remove', path: '/name' }]))).toEqual(param('path'));
    expect(refusalOf(await patch(GOLDEN, { name: 'x' }))).toMatchObject({ code: '101.001002' });
    expect(refusalOf(await patch('ghost', [{ op: 'add', path: '/name', value: 'x' }]))).toEqual(noImage('ghost'));
  });
});
