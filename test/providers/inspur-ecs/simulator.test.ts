/**
 * The Inspur ECS simulator over HTTP: auth, the envelope, and the server list (page numbers in
 * the path, search, sort, a live view, route precedence against the tags route). Details and
 * tags, actions, batches, images and faults have their own files.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SERVERS, DEMO_TENANT, DEMO_TOKEN } from '../../../src/providers/inspur-ecs/simulator.ts';
import { type Answer, type InspurSim, refusalOf, startInspur } from './simulator-harness.ts';

const OTHER = { id: '9a8b7c6d5e4f40312a1b2c3d4e5f6a7b', name: 'other', userId: 'u-other', userName: 'other-user' };
const OTHER_TOKEN = 'other-tenant-token';
const WEB1 = DEMO_SERVERS[0]?.id as string;

let s: InspurSim;
beforeAll(async () => {
  s = await startInspur({
    tenants: [DEMO_TENANT, OTHER],
    tokens: { [DEMO_TOKEN]: DEMO_TENANT.id, [OTHER_TOKEN]: OTHER.id },
  });
});
afterAll(() => s.close());
beforeEach(() => s.reset());

const names = (a: Answer): string[] => a.json.data.servers.map((x: { name: string }) => x.name);
const seed = async (body: Record<string, unknown>): Promise<string[]> => {
  const r = await s.control('POST', '/servers/seed', body);
  expect(r.status).toBe(201);
  return r.json.ids;
};
const param = (name: string) => `参数${name}不符合规范`;

describe('auth (A2, A3)', () => {
  it('accepts the demo bearer token and refuses a missing, unknown or schemeless one with 401 in the envelope', async () => {
    expect((await s.call('GET', '/v1/servers/1/10')).status).toBe(200);
    for (const opts of [{ token: null }, { token: 'bogus' }, { token: null, headers: { authorization: DEMO_TOKEN } }]) {
      const r = await s.call('GET', '/v1/servers/1/10', undefined, opts);
      expect(refusalOf(r)).toEqual({
        status: 401,
        code: '401',
        message: expect.stringMatching(/^Unauthorized/),
        data: null,
      });
    }
  });

  it('honours an issued token until it expires, by the clock or on demand', async () => {
    const issued = await s.control('POST', '/tokens', { ttlMs: 1000 });
    expect(issued.status).toBe(201);
    const token = issued.json.token as string;
    expect((await s.call('GET', `/v1/servers/${WEB1}`, undefined, { token })).status).toBe(200);
    await s.advance(1000);
    const expired = await s.call('GET', `/v1/servers/${WEB1}`, undefined, { token });
    expect(refusalOf(expired)).toMatchObject({
      status: 401,
      code: '401',
      message: 'Unauthorized: the token has expired',
    });

    const again = (await s.control('POST', '/tokens', {})).json.token as string;
    expect((await s.call('GET', '/v1/servers/1/1', undefined, { token: again })).status).toBe(200);
    await s.control('POST', '/tokens/expire');
    expect((await s.call('GET', '/v1/servers/1/1', undefined, { token: again })).status).toBe(401);
    // Static tokens never expire.
    expect((await s.call('GET', '/v1/servers/1/1')).status).toBe(200);
  });

  it("scopes every call to the token's tenant: another tenant's server does not exist for it (A12)", async () => {
    const [theirs] = await seed({ count: 1, tenant: OTHER.id, namePrefix: 'theirs' });
    const mine = await s.call('GET', '/v1/servers/1/50');
    expect(names(mine)).not.toContain('theirs-1');
    const other = await s.call('GET', '/v1/servers/1/50', undefined, { token: OTHER_TOKEN });
    expect(names(other)).toEqual(['theirs-1']);
    expect(refusalOf(await s.call('GET', `/v1/servers/${theirs}`))).toEqual({
      status: 400,
      code: '101.001033',
      message: `云服务器${theirs}不存在`,
      data: null,
    });
    const stop = await s.call('POST', `/v1/servers/${theirs}/action`, { 'os-stop': {} });
    expect(refusalOf(stop)).toMatchObject({ status: 400, code: '101.001013' });
  });

  it('takes any non-empty token in `any` mode, none in `none` mode, and a token in another header', async () => {
    const any = await startInspur({ auth: 'any' });
    const none = await startInspur({ auth: 'none' });
    const header = await startInspur({ tokenHeader: 'X-Auth-Token' });
    try {
      expect((await any.call('GET', '/v1/servers/1/10', undefined, { token: 'whatever' })).status).toBe(200);
      expect((await any.call('GET', '/v1/servers/1/10', undefined, { token: null })).status).toBe(401);
      expect((await none.call('GET', '/v1/servers/1/10', undefined, { token: null })).json.data.totalCount).toBe(3);
      const raw = { token: null, headers: { 'x-auth-token': DEMO_TOKEN } };
      expect((await header.call('GET', '/v1/servers/1/10', undefined, raw)).status).toBe(200);
      expect((await header.call('GET', '/v1/servers/1/10')).status).toBe(401);
    } finally {
      await Promise.all([any.close(), none.close(), header.close()]);
    }
  });
});

describe('envelope and framework answers (A4–A7, A38)', () => {
  it('answers an unknown route with a 404 envelope', async () => {
    expect(refusalOf(await s.call('GET', '/v1/flavors'))).toEqual({
      status: 404,
      code: '404',
      message: 'The resource could not be found: GET /v1/flavors',
      data: null,
    });
  });

  it('refuses an unreadable body with 101.001002 naming the body', async () => {
    const r = await s.call('POST', `/v1/servers/${WEB1}/action`, undefined, {
      raw: { body: '{"os-stop":', contentType: 'application/json' },
    });
    expect(refusalOf(r)).toEqual({ status: 400, code: '101.001002', message: param('body'), data: null });
  });

  it('serves English messages when asked, with the same codes', async () => {
    const en = await startInspur({ language: 'en' });
    try {
      const r = await en.call('GET', '/v1/servers/nope');
      expect(refusalOf(r)).toEqual({
        status: 400,
        code: '101.001033',
        message: 'Cloud server nope does not exist',
        data: null,
      });
      expect((await en.call('GET', '/v1/servers/0/1')).json.message).toBe('Parameter pageNo is invalid');
    } finally {
      await en.close();
    }
  });
});

describe('list servers: GET /v1/servers/{pageNo}/{pageSize} (op 1)', () => {
  it('pages by number in the path, in creation order, with the total count and the documented envelope', async () => {
    await seed({ count: 45, namePrefix: 'srv' });
    const first = await s.call('GET', '/v1/servers/1/10');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ code: '200', message: 'ECS application ECS module message:OK' });
    expect(first.json.data.totalCount).toBe(48);
    expect(names(first)).toEqual([
      'demo-web-1',
      'demo-web-2',
      'demo-db-1',
      ...Array.from({ length: 7 }, (_, i) => `srv-${i + 1}`),
    ]);
    const fifth = await s.call('GET', '/v1/servers/5/10');
    expect(names(fifth)).toEqual(Array.from({ length: 8 }, (_, i) => `srv-${38 + i}`));
    const past = await s.call('GET', '/v1/servers/6/10');
    expect(past.json.data).toEqual({ totalCount: 48, servers: [] });
  });

  it('moves servers across pages when servers come or go between two reads (A22)', async () => {
    await seed({ count: 20, namePrefix: 'srv' });
    // 1. Page 1 ends with srv-7.
    expect(names(await s.call('GET', '/v1/servers/1/10')).at(-1)).toBe('srv-7');
    // 2. A server of page 1 goes: srv-8 moves up onto page 1, and page 2 starts after it (a miss).
    const [gone] = (await s.call('GET', '/v1/servers/1/10?searchField=name&searchValue=srv-1')).json.data.servers;
    await s.control('POST', `/instances/${gone.id}/force`, { to: 'gone' });
    expect(names(await s.call('GET', '/v1/servers/2/10'))[0]).toBe('srv-9');
    // 3. Newest first, a new server goes on top: page 2 starts with page 1's last row again (a repeat).
    const newest = '/v1/servers/{n}/10?sortField=createTime&sortOrder=descend';
    expect(names(await s.call('GET', newest.replace('{n}', '1'))).at(-1)).toBe('srv-11');
    await seed({ count: 1, namePrefix: 'late' });
    expect(names(await s.call('GET', newest.replace('{n}', '2')))[0]).toBe('srv-11');
  });

  it('lets the path page win over the query page and pageSize (A19)', async () => {
    await seed({ count: 12, namePrefix: 'srv' });
    const r = await s.call('GET', '/v1/servers/1/5?page=3&pageSize=50');
    expect(names(r)).toEqual(['demo-web-1', 'demo-web-2', 'demo-db-1', 'srv-1', 'srv-2']);
  });

  it('refuses bad page segments and query values with 101.001002 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/servers/0/10', 'pageNo'],
      ['/v1/servers/abc/10', 'pageNo'],
      ['/v1/servers/1/0', 'pageSize'],
      ['/v1/servers/1/1001', 'pageSize'],
      ['/v1/servers/1/10?page=two', 'page'],
      ['/v1/servers/1/10?sortOrder=up', 'sortOrder'],
      ['/v1/servers/1/10?sortField=cpu', 'sortField'],
      ['/v1/servers/1/10?searchField=host&searchValue=x', 'searchField'],
      ['/v1/servers/1/10?searchField=status&searchValue=sleepy', 'searchValue'],
    ];
    for (const [path, name] of cases)
      expect(refusalOf(await s.call('GET', path)), path).toEqual({
        status: 400,
        code: '101.001002',
        message: param(name),
        data: null,
      });
  });

  it('sorts by name or creation time, ascending or descending, oldest first by default (A20)', async () => {
    await s.advance(1000);
    await seed({ servers: [{ name: 'b-late' }, { name: 'a-late' }] });
    const byName = names(await s.call('GET', '/v1/servers/1/10?sortField=name&sortOrder=ascend'));
    expect(byName).toEqual(['a-late', 'b-late', 'demo-db-1', 'demo-web-1', 'demo-web-2']);
    const oldest = names(await s.call('GET', '/v1/servers/1/10?sortField=createTime&sortOrder=ascend'));
    expect(oldest).toEqual(['demo-web-1', 'demo-web-2', 'demo-db-1', 'b-late', 'a-late']);
    expect(names(await s.call('GET', '/v1/servers/1/10'))).toEqual(oldest);
    const newest = names(await s.call('GET', '/v1/servers/1/10?sortField=createTime&sortOrder=descend'));
    expect(newest).toEqual([...oldest].reverse());
    const status = names(await s.call('GET', '/v1/servers/1/10?sortField=status&sortOrder=descend'));
    expect(status[0]).toBe('demo-db-1'); // SHUTOFF sorts after ACTIVE
  });

  it('searches by name, uuid, private ip and status, and across fields without a searchField (A21)', async () => {
    const [webA, , broken] = await seed({
      servers: [
        { name: 'Web-Alpha', fixedIp: '10.20.30.201' },
        { name: 'db-beta', fixedIp: '10.20.30.202', state: 'stopped' },
        { name: 'broken-gamma', fixedIp: '10.20.31.5', status: 'ERROR' },
      ],
    });
    const q = async (query: string) => names(await s.call('GET', `/v1/servers/1/50?${query}`)).sort();
    expect(await q('searchField=name&searchValue=web-a')).toEqual(['Web-Alpha']);
    expect(await q(`searchField=uuid&searchValue=${webA}`)).toEqual(['Web-Alpha']);
    expect(await q(`searchField=uuid&searchValue=${webA?.slice(0, 8)}`)).toEqual([]);
    expect(await q('searchField=ip&searchValue=10.20.30.202')).toEqual(['db-beta']);
    expect(await q('searchField=status&searchValue=unusual')).toEqual(['broken-gamma']);
    expect(await q('searchField=status&searchValue=shutoff')).toEqual(['db-beta', 'demo-db-1']);
    expect(await q('searchField=status&searchValue=all')).toHaveLength(6);
    expect(await q('searchField=status&searchValue=')).toHaveLength(6);
    expect(await q('searchValue=10.20.31')).toEqual(['broken-gamma']);
    expect(await q('searchValue=GAMMA')).toEqual(['broken-gamma']);
    expect(await q('searchValue=error')).toEqual(['broken-gamma']);
    expect(await q(`searchValue=${broken}`)).toEqual(['broken-gamma']);
    // The total counts the matches, not the tenant's servers.
    expect((await s.call('GET', '/v1/servers/1/1?searchValue=demo')).json.data.totalCount).toBe(3);
  });

  it('reads GET /v1/servers/{id}/tags as the tags of a server, never as a page (route precedence)', async () => {
    const tags = await s.call('GET', `/v1/servers/${WEB1}/tags`);
    expect(tags.json).toEqual({ code: 200, message: 'success', data: { tags: ['ECS', 'web'] } });
    // "1" is a server id here, not a page number.
    expect(refusalOf(await s.call('GET', '/v1/servers/1/tags'))).toMatchObject({
      code: '101.001033',
      message: '云服务器1不存在',
    });
  });
});
