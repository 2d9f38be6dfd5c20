/**
 * The pure parts of the BridgX adapter: envelope decoding and the error-code table, the
 * shared client's verdicts, exact large ids, timestamps with their zone, key casing, port
 * ranges, task names, page tokens, the cluster body and the account check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { HttpRequest, HttpResponse } from '../../../src/providers/contract.ts';
import { BridgxOptions, checkBridgxAccount } from '../../../src/providers/bridgx/account.ts';
import { classifyBridgx, decodeAnswer, kindOfCode } from '../../../src/providers/bridgx/client.ts';
import { clusterBody } from '../../../src/providers/bridgx/cluster-body.ts';
import { portRangeOf, withoutSecrets } from '../../../src/providers/bridgx/mapping.ts';
import { wireRule } from '../../../src/providers/bridgx/networks.ts';
import { parseJsonExact } from '../../../src/providers/bridgx/raw-json.ts';
import { parseTaskName, taskName } from '../../../src/providers/bridgx/tasks.ts';
import { daysFrom, parseBridgxTime, platformDay, toPlatformDay } from '../../../src/providers/bridgx/time.ts';
import { WirePager, WireRule, WireSwitch, WireVpc } from '../../../src/providers/bridgx/wire.ts';

const answer = (text: string, status = 200, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  text,
  json: () => JSON.parse(text) as unknown,
});
const req: HttpRequest = { method: 'GET', path: '/x', operation: 'op.test', idempotent: true };

describe('envelope', () => {
  it('reads data when code is 200, and also when it is 0 as the field tables print it', () => {
    expect(decodeAnswer(answer('{"code":200,"msg":"success","data":"c1"}'), 'op')).toEqual({ ok: true, data: 'c1' });
    expect(decodeAnswer(answer('{"code":0,"msg":null,"data":{"a":1}}'), 'op')).toEqual({ ok: true, data: { a: 1 } });
    expect(decodeAnswer(answer('{"data":[],"msg":"success","code":"200"}'), 'op')).toEqual({ ok: true, data: [] });
  });

  it('decides from the body, not from the HTTP status', () => {
    const refused = decodeAnswer(answer('{"code":400,"msg":"param_invalid","data":null}', 200), 'op');
    expect(refused.ok).toBe(false);
    const fine = decodeAnswer(answer('{"code":200,"msg":"success","data":null}', 400), 'op');
    expect(fine.ok).toBe(true);
  });

  it('keeps the platform code and message verbatim', () => {
    const d = decodeAnswer(answer('{"code":400,"msg":"param_invalid","data":null}', 400), 'groups.create');
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error).toMatchObject({
      provider: 'bridgx',
      operation: 'groups.create',
      kind: 'invalid',
      providerCode: '400',
      providerMessage: 'param_invalid',
      httpStatus: 400,
    });
    const chinese = decodeAnswer(answer('{"code":500,"msg":"云厂商调用失败","data":null}', 500), 'op');
    expect(chinese.ok || chinese.error.providerMessage).toBe('云厂商调用失败');
  });

  it.each([
    [400, 'param_invalid', 'invalid'],
    [401, 'unauthorized', 'auth'],
    [403, 'forbidden', 'auth'],
    [404, 'not_found', 'not_found'],
    [409, 'conflict', 'conflict'],
    [429, 'too_many_requests', 'rate_limited'],
    [500, 'internal error', 'unavailable'],
    [502, 'bad gateway', 'unavailable'],
    [503, 'busy', 'unavailable'],
    [504, 'gateway timeout', 'timeout'],
    [418, 'teapot', 'invalid'],
    [599, 'odd', 'unavailable'],
    [200, 'param_invalid', 'invalid'],
  ] as const)('maps code %i (%s) to %s', (code, msg, kind) => {
    expect(kindOfCode(code, msg)).toBe(kind);
  });

  it('reads a gateway page at 5xx as unavailable and a non-envelope 200 as malformed', () => {
    const page = decodeAnswer(answer('<html>bad gateway</html>', 502), 'op');
    expect(page.ok || [page.error.kind, page.enveloped]).toEqual(['unavailable', false]);
    const timeout = decodeAnswer(answer('upstream timed out', 504), 'op');
    expect(timeout.ok || timeout.error.kind).toBe('timeout');
    const broken = decodeAnswer(answer('{"code":200,', 200), 'op');
    expect(broken.ok || broken.error.kind).toBe('malformed');
    const shape = decodeAnswer(answer('{"result":"ok"}', 200), 'op');
    expect(shape.ok || shape.error.kind).toBe('malformed');
  });

  it('gives the shared client a verdict: success, a refusal, a throttle it may resend, or the HTTP status', () => {
    expect(classifyBridgx(answer('{"code":200,"msg":"success","data":1}'), req)).toEqual({ ok: true });
    const refused = classifyBridgx(answer('{"code":400,"msg":"param_invalid","data":null}'), req);
    expect(refused).toMatchObject({ ok: false, notActed: false, error: { kind: 'invalid' } });
    const throttled = classifyBridgx(
      answer('{"code":429,"msg":"too_many_requests","data":null}', 429, { 'retry-after': '2' }),
      req,
    );
    expect(throttled).toMatchObject({ ok: false, notActed: true, error: { kind: 'rate_limited', retryAfterMs: 2000 } });
    expect(classifyBridgx(answer('<html/>', 503), req)).toBeUndefined();
  });
});

describe('exact large ids', () => {
  it('keeps integers beyond 2^53 as decimal strings and leaves the rest alone', () => {
    const text = '{"code":200,"data":9007199254740993,"msg":"success","n":[12,-3,1.5e3,"9007199254740995"]}';
    expect(parseJsonExact(text)).toEqual({
      code: 200,
      data: '9007199254740993',
      msg: 'success',
      n: [12, -3, 1500, '9007199254740995'],
    });
    expect(parseJsonExact('{"s":"a \\" 123456789012345678 b","x":123456789012345678}')).toEqual({
      s: 'a " 123456789012345678 b',
      x: '123456789012345678',
    });
  });

  it('reads any integer exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), (n) => {
        const parsed = parseJsonExact(`{"data":${n}}`) as { data: unknown };
        expect(String(parsed.data)).toBe(n.toString());
      }),
    );
  });
});

describe('timestamps', () => {
  it.each([
    ['2021-11-02 06:09:38 +0800 CST', '2021-11-01T22:09:38.000Z'],
    ['2021-11-02 06:09:38 +0000 UTC', '2021-11-02T06:09:38.000Z'],
    ['2021-11-02 06:09:38 -0500 EST', '2021-11-02T11:09:38.000Z'],
    ['2021-11-03 17:01:44', '2021-11-03T09:01:44.000Z'],
    ['2018-04-18T15:02:37Z', '2018-04-18T15:02:37.000Z'],
    ['2021-08-31T03:12Z', '2021-08-31T03:12:00.000Z'],
    ['2021.10.29  18：25：13', '2021-10-29T10:25:13.000Z'],
    ['2021-10-29 16：23：24', '2021-10-29T08:23:24.000Z'],
    ['2021-11-02 06:09:38.123 +0800 CST', '2021-11-01T22:09:38.123Z'],
  ])('reads %s with its zone', (raw, iso) => {
    expect(parseBridgxTime(raw)?.toISOString()).toBe(iso);
  });

  it('reads empty, zero and garbage stamps as null', () => {
    for (const raw of ['', '   ', null, undefined, '0001-01-01 00:00:00 +0000 UTC', 'yesterday'])
      expect(parseBridgxTime(raw)).toBeNull();
  });

  it('names days in UTC+08:00', () => {
    expect(platformDay(new Date('2026-03-10T15:59:59Z'))).toBe('2026-03-10');
    expect(platformDay(new Date('2026-03-10T16:00:00Z'))).toBe('2026-03-11');
    expect(toPlatformDay('2026-03-10')).toBe('2026-03-10');
    expect(toPlatformDay('2026-03-10T17:00:00Z')).toBe('2026-03-11');
    expect(toPlatformDay('not a day')).toBeNull();
    expect(daysFrom('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysFrom('2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('round-trips any instant through the platform form', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), (d) => {
        const at = new Date(Math.floor(d.getTime() / 1000) * 1000);
        const local = new Date(at.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
        expect(parseBridgxTime(`${local} +0800 CST`)?.getTime()).toBe(at.getTime());
      }),
    );
  });
});

describe('casing', () => {
  it('reads PascalCase examples and snake_case tables alike', () => {
    const pascal = WireVpc.parse({
      VpcId: 'vpc-1',
      VpcName: 'a',
      CidrBlock: '',
      SwitchIds: '',
      Status: '',
      CreateAt: '',
    });
    const snake = WireVpc.parse({ vpc_id: 'vpc-1', vpc_name: 'a', cidr_block: '', switch_ids: [], status: '' });
    expect(pascal.vpc_id).toBe('vpc-1');
    expect(snake.vpc_id).toBe('vpc-1');
    expect(WirePager.parse({ PageNumber: 2, PageSize: 50, Total: 51 })).toMatchObject({ page_number: 2, total: 51 });
    expect(WirePager.parse({ page_number: 1, page_size: 10, total: '7' }).total).toBe(7);
  });

  it('reads the switch status under VStatus and IsDefault as Y/N or a Boolean', () => {
    const s = WireSwitch.parse({
      SwitchId: 'vsw-1',
      VStatus: 'Available',
      IsDefault: 'N',
      AvailableIpAddressCount: 4082,
    });
    expect(s).toMatchObject({ v_status: 'Available', is_default: false, available_ip_address_count: 4082 });
    expect(WireSwitch.parse({ switch_id: 'vsw-1', is_default: true }).is_default).toBe(true);
    expect(WireSwitch.parse({ switch_id: 'vsw-1', IsDefault: 'Y' }).is_default).toBe(true);
  });
});

describe('security group rules', () => {
  const rule = (r: Record<string, unknown>) => portRangeOf(WireRule.parse(r));
  it.each([
    [{ port_range: '22/22' }, '22-22'],
    [{ port_range: '1-65535' }, '1-65535'],
    [{ port_range: '-1/-1' }, null],
    [{ port_range: '' }, null],
    [{ port_from: 0, port_to: 0 }, null],
    [{ port_from: 80, port_to: 443 }, '80-443'],
    [{ port_range: '8080' }, '8080-8080'],
  ])('reads %o as %s', (wire, unified) => {
    expect(rule(wire)).toBe(unified);
  });

  it('writes create rules with a slash, and -1/-1 for protocols without ports', () => {
    const base = { direction: 'ingress', cidr: '10.0.0.0/8', action: 'allow' } as const;
    expect(wireRule({ ...base, protocol: 'TCP', portRange: '22-22' })).toEqual({
      protocol: 'tcp',
      port_range: '22/22',
      direction: 'ingress',
      cidr_ip: '10.0.0.0/8',
    });
    expect(wireRule({ ...base, protocol: 'udp', portRange: '53' }).port_range).toBe('53/53');
    expect(wireRule({ ...base, protocol: 'tcp', portRange: null }).port_range).toBe('1/65535');
    expect(wireRule({ ...base, protocol: 'icmp', portRange: '8' }).port_range).toBe('-1/-1');
    expect(wireRule({ ...base, protocol: 'all', portRange: null, cidr: null }).cidr_ip).toBe('0.0.0.0/0');
    expect(() => wireRule({ ...base, protocol: 'tcp', portRange: '22', action: 'deny' })).toThrow(/only allow/);
    expect(() => wireRule({ ...base, protocol: 'sctp', portRange: '22' })).toThrow(/protocol/);
  });
});

describe('task names', () => {
  it('carry the action, count and request id, and read back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('expand' as const, 'shrink' as const),
        fc.integer({ min: 1, max: 1000 }),
        fc.uuid(),
        fc.integer({ min: 1, max: 99 }),
        (action, count, uuid, n) => {
          const name = taskName(action, count, `${uuid}:${n}`);
          expect(parseTaskName(name)).toEqual({ action, count, requestId: `${uuid}-${n}` });
          expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
        },
      ),
    );
    expect(parseTaskName('test再次缩容')).toBeNull();
  });
});

describe('cluster create body', () => {
  const options = BridgxOptions.parse({
    accountKey: 'LTAI-test',
    region: 'cn-qingdao',
    zone: 'cn-qingdao-b',
    vpcId: 'vpc-1',
    subnetId: 'vsw-1',
    securityGroupId: 'sg-1',
  });
  const spec = (s: Record<string, unknown> = {}) =>
    MachineSpec.parse({ instanceType: 'ecs.n1.tiny', image: 'img', login: { password: 'Pass-word-1' }, ...s });

  it('takes the spec first and the options second, with charge_config and an array of data disks', () => {
    const body = clusterBody(
      {
        name: 'web',
        namePrefix: 'web',
        spec: spec({ zone: 'cn-qingdao-c', dataDisks: [{ sizeGiB: 100 }] }),
        tags: { team: 'a' },
      },
      options,
    );
    expect(body).toMatchObject({
      name: 'web',
      provider: 'AlibabaCloud',
      region_id: 'cn-qingdao',
      zone_id: 'cn-qingdao-c',
      account_key: 'LTAI-test',
      password: 'Pass-word-1',
      tags: '{"team":"a"}',
      network_config: { vpc: 'vpc-1', subnet_id: 'vsw-1', security_group: 'sg-1' },
      charge_config: { charge_type: 'PostPaid' },
      disks: {
        system_disk: { category: 'cloud_efficiency', size: 40 },
        data_disk: [{ category: 'cloud_efficiency', size: 100 }],
      },
    });
    expect(body.network_config).not.toHaveProperty('internet_charge_type');
  });

  it('refuses what BridgX cannot take, naming the field', () => {
    const make =
      (s: Record<string, unknown>, o = options) =>
      () =>
        clusterBody({ name: 'web', namePrefix: 'web', spec: spec(s), tags: {} }, o);
    expect(make({ login: {} })).toThrow(/spec\.login\.password/);
    expect(make({ login: { keyName: 'k', password: 'Pass-word-1' } })).toThrow(/spec\.login\.keyName/);
    expect(make({ network: { securityGroupIds: ['sg-1', 'sg-2'] } })).toThrow(/one security group/);
    expect(make({ charge: 'prepaid' })).toThrow(/prepaidPeriodUnit/);
    expect(make({}, BridgxOptions.parse({ accountKey: 'a', region: 'r' }))).toThrow(/spec\.zone/);
    const prepaid = BridgxOptions.parse({ ...options, prepaidPeriodUnit: 'Month', prepaidPeriod: 12 });
    expect(
      clusterBody({ name: 'w', namePrefix: 'w', spec: spec({ charge: 'prepaid' }), tags: {} }, prepaid).charge_config,
    ).toEqual({
      charge_type: 'PrePaid',
      period_unit: 'Month',
      period: 12,
    });
  });
});

describe('account check', () => {
  const opts = (o: Record<string, unknown>) => BridgxOptions.parse({ accountKey: 'a', region: 'r', ...o });
  it('accepts a plain account and names the field of each bad combination', () => {
    expect(checkBridgxAccount(opts({}))).toEqual([]);
    expect(checkBridgxAccount(opts({ subnetId: 'vsw-1' })).map((p) => p.pointer)).toEqual(['/options/vpcId']);
    expect(checkBridgxAccount(opts({ internetMaxBandwidthOut: 10 })).map((p) => p.pointer)).toEqual([
      '/options/internetChargeType',
    ]);
    expect(checkBridgxAccount(opts({ prepaidPeriodUnit: 'Week' })).map((p) => p.pointer)).toEqual([
      '/options/prepaidPeriod',
    ]);
    expect(checkBridgxAccount(opts({ prepaidPeriodUnit: 'Week', prepaidPeriod: 12 })).map((p) => p.pointer)).toEqual([
      '/options/prepaidPeriod',
    ]);
    expect(BridgxOptions.safeParse({ region: 'r' }).success).toBe(false);
  });
});

describe('provider data', () => {
  it('drops secret-looking keys at every depth', () => {
    expect(withoutSecrets({ a: 1, password: 'x', nested: [{ Token: 't', b: 2, private_key: 'k' }] })).toEqual({
      a: 1,
      nested: [{ b: 2 }],
    });
  });
});
