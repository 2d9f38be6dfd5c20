import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_OTHER_TENANT, STARVCENTER_OPERATIONS } from '../../../src/providers/starvcenter/simulator.ts';
import { decodeKeyParam, paged } from '../../../src/providers/starvcenter/simulator-wire.ts';
import { type Harness, b64, createVm, expectRefusal, startHarness, vmSpec } from './simulator-harness.ts';

// The catalog's operation index (§3), in its order: method and path below BaseURL.
const CATALOG_INDEX = `
POST cloudTenant/create|POST cloudvm/create|POST cloudvm/search|GET cloudvm/{vmId}|PUT cloudvm/start|PUT cloudvm/destroy
PUT cloudvm/shutdown|DELETE cloudvm/{vmId}|PUT cloudvm/modify|GET cloudvm/connection/{vmId}|POST cloudvm/setadminpwd
POST cloudvm/resumeCloudAgent|POST cloudvm/editvncpwd|POST cloudvm/setvncpwd|PUT cloudvm/restart|PUT cloudvm/cpu/modify
PUT cloudvm/mem/modify|GET cloudvm/model|POST cloudvm/switchfirewalld|POST cloudvm/addVhostModelAndType
DELETE cloudvm/delVhostModelAndType/{id}|POST cloudnetwork/vpc/create|PUT cloudnetwork/vpc/modify
POST cloudnetwork/vpc/delete|POST cloudnetwork/vpc/search|POST cloudnetwork/sharenet/connect
POST cloudnetwork/sharenet/search|POST cloudnetwork/portMapping/create|DELETE cloudnetwork/ipmapping/{natId}
POST cloudnetwork/acessrule/search|POST cloudnetwork/acessrule/add|DELETE cloudnetwork/acessrule/{ruleId}
POST cloudnetwork/netgate|POST cloudvm/vdisk/add|DELETE cloudvm/vdisk/{vdiskId}|PUT cloudvm/vdisk/extend
POST cloudvm/vdisk/search|POST cloudvm/vdisk/create/pv|POST cloudvm/vnic/search|POST cloudvm/vnic/add
GET cloudvm/backup/{vmId}|POST cloudvm/backup/create|DELETE cloudvm/backup/{backupId}|PUT cloudvm/backup/restore
PUT cloudvm/backup/modify|GET cloudvm/snapshot/{vmId}|POST cloudvm/snapshot/create|PUT cloudvm/snapshot/restore
DELETE cloudvm/snapshot/{snapshotId}|PUT cloudvm/snapshot/modify|POST cloudmonitor/compute/current
POST cloudmonitor/compute/history|POST cloudmonitor/disk/history|POST cloudmonitor/net/history
POST cloudmonitor/everydisk/current|POST cloudmonitor/everynet/current|POST cloudmonitor/compute/currents
POST vroute/create|POST vroute/vpcAdd|POST vroute/vpcDelete|GET vroute/{vmId}|POST vroute/Mapping/search
POST resourcequota/search|PUT resourcequota/modify|POST resourcequota/usableQuota|POST cloudip/mapping/outerIp/search
POST cloudslb/search|POST cloudslb/add|PUT cloudslb/modify|DELETE cloudslb/{slbid}|POST cloudslb/start|POST cloudslb/stop
PUT cloudslb/https/cert/conf|POST cloudslb/realnode/search|POST cloudslb/realnode/add|PUT cloudslb/realnode/modify
DELETE cloudslb/realnode/{realnodeid}|POST cloudhost/search|POST cloudalarm/search|POST cloudstorage/search
POST cloudsegroup/search|POST cloudsegroup/create|DELETE cloudsegroup/{securitygroupid}|POST cloudsegroup/vnic/bind
POST cloudsegroup/vnic/unbind|POST cloudsegroup/vnic/search|POST cloudsegroup/rule/search|POST cloudsegroup/rule/add
DELETE cloudsegroup/rule/{ruleid}|POST cloudsegroup/rule/vm|POST cloudsegroup/retryrule/search|PUT cloudsegroup/retryrule/reset`
  .split(/[|\n]/)
  .map((s) => s.trim())
  .filter(Boolean);

// The async operations of the catalog: the 5 marked ones and the 13 of D2.
const ASYNC = [
  'POST cloudvm/create',
  'POST cloudvm/backup/create',
  'PUT cloudvm/backup/restore',
  'POST cloudvm/snapshot/create',
  'PUT cloudvm/snapshot/restore',
  'PUT cloudvm/start',
  'PUT cloudvm/destroy',
  'PUT cloudvm/shutdown',
  'DELETE cloudvm/{vmId}',
  'POST cloudvm/setadminpwd',
  'POST cloudvm/resumeCloudAgent',
  'PUT cloudvm/restart',
  'PUT cloudvm/cpu/modify',
  'PUT cloudvm/mem/modify',
  'POST cloudvm/vdisk/add',
  'DELETE cloudvm/vdisk/{vdiskId}',
  'PUT cloudvm/vdisk/extend',
  'POST vroute/create',
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('operation table', () => {
  it('serves exactly the 92 operations of the catalog index, with their methods and paths', () => {
    expect(CATALOG_INDEX).toHaveLength(92);
    const served = STARVCENTER_OPERATIONS.map((o) => `${o.method} ${o.path}`);
    expect([...served].sort()).toEqual([...CATALOG_INDEX].sort());
    expect(new Set(STARVCENTER_OPERATIONS.map((o) => o.op)).size).toBe(92);
  });

  it('marks the 18 operations that answer a task id as async', () => {
    const async = STARVCENTER_OPERATIONS.filter((o) => o.async).map((o) => `${o.method} ${o.path}`);
    expect(async.sort()).toEqual([...ASYNC].sort());
  });
});

describe('every operation', () => {
  const pathOf = (path: string) => path.replace(/\{\w+\}/g, 'no-such-id');

  it('answers an envelope under its own operation name, and 1003 without a token', async () => {
    await h.ctl('DELETE', '/calls');
    for (const o of STARVCENTER_OPERATIONS) {
      const r = await h.call(
        o.method as 'GET',
        pathOf(o.path),
        o.method === 'GET' || o.method === 'DELETE' ? undefined : {},
      );
      expect(r.status, o.op).toBe(200);
      expect(['0', '1'], `${o.op}: ${JSON.stringify(r.env)}`).toContain(r.env?.result);
      const denied = await h.call(o.method as 'GET', pathOf(o.path), undefined, { token: 'wrong' });
      expect(denied.env?.result, o.op).toBe('1003');
    }
    const counts = (await h.ctl('GET', '/calls')).json.counts;
    expect(Object.keys(counts).sort()).toEqual(STARVCENTER_OPERATIONS.map((o) => o.op).sort());
    expect(Object.values(counts).every((n) => n === 2)).toBe(true);
  });
});

describe('envelope encoding', () => {
  it('answers the standard padded Base64 of the UTF-8 envelope as text/plain', async () => {
    const r = await h.call('POST', 'cloudvm/search', { 'page.startnum': '1', 'page.everypagenum': '1' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(r.text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(r.text.length % 4).toBe(0);
    expect(r.env).toEqual({ result: '0', data: [], dataCount: 0 });
  });

  it('round-trips a Chinese VM name through Base64 both ways', async () => {
    const name = '测试-云主机+数据库/主';
    const params = vmSpec(name);
    expect(b64(params)).toMatch(/[+/]/); // the case the form encoding must escape
    const id = await createVm(h, name);
    const got = await h.ok('GET', `cloudvm/${id}`);
    expect(got.data['vm.name']).toBe(name);
    const found = await h.ok('POST', 'cloudvm/search', { 'vm.name': '云主机' });
    expect(found.data.map((v: any) => v['vm.name'])).toEqual([name]);
    expect(Buffer.from(JSON.stringify(found), 'utf8').toString('base64')).toBe(
      (await h.call('POST', 'cloudvm/search', { 'vm.name': '云主机' })).text,
    );
  });

  it('accepts KEY_PARAM without padding, as Java decoders do', async () => {
    const unpadded = b64({ 'vm.name': 'x' }).replace(/=+$/, '');
    const r = await h.call('POST', 'cloudvm/search', undefined, { keyParam: unpadded });
    expect(r.env.result).toBe('0');
  });

  it('refuses KEY_PARAM that is not standard Base64, not UTF-8, not JSON or not an object with result 1', async () => {
    const urlSafe = b64({ 'vm.name': '测试' }).replace(/\+/g, '-').replace(/\//g, '_');
    expectRefusal(await h.call('POST', 'cloudvm/search', undefined, { keyParam: urlSafe }), /Base64/);
    expectRefusal(await h.call('POST', 'cloudvm/search', undefined, { keyParam: 'eyJhIjoxfQ=x' }), /Base64/);
    const latin1 = Buffer.from('{"vm.name":"\xe9"}', 'latin1').toString('base64');
    expectRefusal(await h.call('POST', 'cloudvm/search', undefined, { keyParam: latin1 }), /UTF-8/);
    const broken = Buffer.from('{"vm.name":', 'utf8').toString('base64');
    expectRefusal(await h.call('POST', 'cloudvm/search', undefined, { keyParam: broken }), /JSON/);
    expectRefusal(await h.call('POST', 'cloudvm/search', [1, 2]), /object/);
  });

  it('sees an unescaped + in the form as a space, so the Base64 is refused', async () => {
    const value = b64(vmSpec('测试'));
    expect(value).toContain('+');
    const r = await h.call('POST', 'cloudvm/create', undefined, {
      body: `KEY_PARAM=${value}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expectRefusal(r, /Base64/);
    const escaped = await h.call('POST', 'cloudvm/create', undefined, {
      body: `KEY_PARAM=${encodeURIComponent(value)}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(escaped.env.result).toBe('0');
  });

  it('reads a POST without KEY_PARAM as {}', async () => {
    expect((await h.call('POST', 'cloudvm/search')).env).toEqual({ result: '0', data: [], dataCount: 0 });
    expectRefusal(await h.call('POST', 'cloudvm/create'), /^Parameter vm\.vcpu\.num is required$/);
  });

  it('takes scalars as strings, numbers or booleans, and trims whitespace out of key names', async () => {
    const id = await createVm(h, 'typed', { 'vm.vcpu.num': 4, 'vm.memory.mem': 2048, 'vm.hyperv.enable': true });
    expect((await h.ok('GET', `cloudvm/${id}`)).data).toMatchObject({ 'vm.vcpu.num': '4', 'vm.memory.mem': '2048' });
    const r = await h.ok('POST', 'cloudvm/search', { ' vm.name ': 'typ', 'page. startnum': 1 });
    expect(r.data).toHaveLength(1);
    expectRefusal(await h.call('POST', 'cloudvm/search', { 'vm.name': { nested: true } }), /vm\.name/);
  });

  it('does not read a key with the document stray asterisk as the field', async () => {
    const id = await createVm(h, 'fw');
    const r = await h.call('POST', 'cloudvm/switchfirewalld', { 'vm.id': id, 'vm.firewalld.enable*': 'true' });
    expectRefusal(r, /vm\.firewalld\.enable is required/);
  });

  it('answers 415 to a body that is not a form', async () => {
    const json = await h.call('POST', 'cloudvm/search', undefined, { body: '{}', contentType: 'application/json' });
    expect(json.status).toBe(415);
    const text = await h.call('POST', 'cloudvm/search', undefined, { body: 'x', contentType: 'text/plain' });
    expect(text.status).toBe(415);
  });
});

describe('tenant token', () => {
  const expectAuthFailure = (r: { status: number; env: any }) => {
    expect(r.status).toBe(200);
    expect(r.env).toEqual({ result: '1003', resultinfo: expect.stringMatching(/^Authentication failed/) });
  };

  it('answers result 1003 to a missing or unknown KEY_TOKEN, before reading KEY_PARAM', async () => {
    expectAuthFailure(await h.call('POST', 'cloudvm/search', {}, { token: null }));
    expectAuthFailure(await h.call('POST', 'cloudvm/search', {}, { token: 'not-a-token' }));
    expectAuthFailure(await h.call('POST', 'cloudvm/search', undefined, { token: 'nope', keyParam: '%%%' }));
    expectAuthFailure(await h.call('GET', 'cloudvm/model', undefined, { token: '' }));
  });

  it('scopes every list to the token tenant', async () => {
    await createVm(h, 'mine');
    const other = await h.ok('POST', 'cloudvm/search', {}, DEMO_OTHER_TENANT.token);
    expect(other).toEqual({ result: '0', data: [], dataCount: 0 });
    const mine = await h.ok('POST', 'cloudvm/search', {});
    const id = mine.data[0]['vm.id'];
    expectRefusal(
      await h.call('GET', `cloudvm/${id}`, undefined, { token: DEMO_OTHER_TENANT.token }),
      /does not exist/,
    );
  });

  it('accepts a token the control API issues until it is expired or revoked', async () => {
    const issued = await h.ctl('POST', '/starvcenter/tokens', { tenant: DEMO_OTHER_TENANT.id });
    expect(issued.status).toBe(201);
    const token = issued.json.token as string;
    expect((await h.call('GET', 'cloudvm/model', undefined, { token })).env.result).toBe('0');
    await h.ctl('POST', '/tokens/expire', {});
    expectAuthFailure(await h.call('GET', 'cloudvm/model', undefined, { token }));
    const again = (await h.ctl('POST', '/starvcenter/tokens', { tenant: DEMO_OTHER_TENANT.id })).json.token;
    await h.ctl('POST', '/tokens/revoke', {});
    expectAuthFailure(await h.call('GET', 'cloudvm/model', undefined, { token: again }));
    expect((await h.call('GET', 'cloudvm/model')).env.result).toBe('0');
    expect((await h.ctl('POST', '/starvcenter/tokens', { tenant: 'nobody' })).status).toBe(404);
  });
});

describe('routes', () => {
  it('serves GET cloudvm/model before GET cloudvm/{vmId}', async () => {
    const r = await h.ok('GET', 'cloudvm/model');
    expect(r.data[0]).toHaveProperty('vm.tenant.type');
    expectRefusal(await h.call('GET', 'cloudvm/not-a-vm'), /does not exist/);
  });

  it('answers 405 with Allow when the most literal path is served for other methods', async () => {
    const del = await h.call('DELETE', 'cloudvm/model');
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET');
    const post = await h.call('POST', 'cloudvm/start', { 'vm.id': 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('PUT');
    expect((await h.call('GET', 'cloudvm/backup/create')).status).toBe(405);
    expect((await h.call('PUT', 'cloudvm/some-vm', {})).status).toBe(405);
    expect((await h.call('GET', 'cloudnetwork/vpc/delete')).status).toBe(405);
  });

  it('reads the id of GET cloudvm/backup/{id} as a VM and of DELETE as a backup', async () => {
    const vm = await createVm(h, 'b');
    h.advance(3000);
    expect((await h.ok('GET', `cloudvm/backup/${vm}`)).data).toEqual([]);
    expectRefusal(await h.call('DELETE', `cloudvm/backup/${vm}`), /backup .* does not exist/);
    expectRefusal(await h.call('DELETE', `cloudvm/snapshot/${vm}`), /snapshot .* does not exist/);
    const backup = (await h.ok('POST', 'cloudvm/backup/create', { 'backup.vmid': vm, 'backup.name': 'n' })).data[
      'backup.id'
    ];
    expectRefusal(await h.call('GET', `cloudvm/backup/${backup}`), /VM .* does not exist/);
  });

  it('answers 404 outside the envelope for unknown, differently cased, trailing-slash and typo paths', async () => {
    for (const path of [
      'nothing/here',
      'cloudVM/search',
      'cloudvm/search/',
      'cloud%20slb/modify',
      'cloudtenant/create',
    ]) {
      const r = await h.call('POST', path, {});
      expect(r.status, path).toBe(404);
      expect(r.env, path).toBeUndefined();
    }
    expect((await h.call('PUT', 'cloudslb/modify', {})).status).toBe(200);
    expect((await h.call('POST', 'cloudsegroup/vnic/unbind', {})).status).toBe(200);
  });
});

describe('determinism', () => {
  const firstIds = async (seed: number) => {
    const other = await startHarness({ seed });
    try {
      const env = await other.ok('POST', 'cloudvm/create', vmSpec('same', { 'vm.num': '2' }));
      const ids = env.data.map((d: any) => d['vm.id']);
      const nic = (await other.ok('POST', 'cloudvm/vnic/search', { 'vnic.vmid': ids[0] })).data[0]['vnic.macaddress'];
      return [...ids, nic];
    } finally {
      await other.close();
    }
  };

  it('gives the same ids and addresses for the same seed and calls, other ones for another seed', async () => {
    const a = await firstIds(42);
    expect(await firstIds(42)).toEqual(a);
    expect(await firstIds(43)).not.toEqual(a);
  });
});

describe('wire helpers', () => {
  it('decodes any JSON object encoded as Base64 of UTF-8, with or without padding', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), (obj) => {
        const full = Buffer.from(JSON.stringify(obj), 'utf8').toString('base64');
        const expected = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.replace(/\s+/g, ''), v]));
        expect(decodeKeyParam(full)).toEqual(expected);
        expect(decodeKeyParam(full.replace(/=+$/, ''))).toEqual(expected);
      }),
    );
  });

  it('keeps a key named __proto__ as an own key', () => {
    const decoded = decodeKeyParam(Buffer.from('{"__proto__":"","a":"1"}', 'utf8').toString('base64'));
    expect(Object.keys(decoded)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('pages a list into consecutive slices whose union is the list', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 100 }), fc.integer({ min: 1, max: 30 }), (items, size) => {
        const pages = Math.ceil(items.length / size) + 1;
        const all = Array.from({ length: pages }, (_, i) =>
          paged(items, { 'page.startnum': i + 1, 'page.everypagenum': size }),
        );
        expect(all.flatMap((p) => p.data)).toEqual(items);
        expect(all.every((p) => p.dataCount === items.length)).toBe(true);
        expect(all.at(-1)?.data).toEqual([]);
      }),
    );
  });
});
