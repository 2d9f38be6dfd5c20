/**
 * The pure parts of the Inspur ECS wire: the envelope verdict, the error-code table, the
 * page cursor, the tag encoding, the document's time formats and the action bodies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tags } from '../../../src/domain/instance.ts';
import { ProviderError, type HttpRequest, type HttpResponse } from '../../../src/providers/contract.ts';
import { checkInspurAccount, InspurOptions } from '../../../src/providers/inspur-ecs/account.ts';
import { actionBody, batchBody, isServerRefusal } from '../../../src/providers/inspur-ecs/actions.ts';
import {
  classifyInspur,
  decodePageToken,
  encodePageToken,
  kindOf,
  nextPage,
} from '../../../src/providers/inspur-ecs/client.ts';
import { decodeTags, encodeTags } from '../../../src/providers/inspur-ecs/mapping.ts';
import { readDeleteSummary } from '../../../src/providers/inspur-ecs/operations.ts';
import { parseInspurTime } from '../../../src/providers/inspur-ecs/wire.ts';

const req: HttpRequest = { method: 'GET', path: '/v1/servers/x', operation: 'instances.get', idempotent: true };

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, text, json: () => JSON.parse(text) as unknown };
}

function refusal(res: HttpResponse) {
  const verdict = classifyInspur(res, req);
  if (!verdict || verdict.ok) throw new Error('expected a refusal');
  return verdict;
}

describe('the envelope verdict', () => {
  it.each([
    [200, { code: 200, message: 'OK', data: null }],
    [200, { code: '200', message: 'ECS application ECS module message:OK', data: { totalCount: 0, servers: [] } }],
    [201, { code: 201, message: 'Created', data: { image_id: 'i' } }],
    [200, { code: 200, data: '' }],
  ])('reads HTTP %i %j as success, whatever the code type', (status, body) => {
    expect(classifyInspur(answer(status, body), req)).toEqual({ ok: true });
  });

  it('keeps a dotted error code as sent and the decoded message verbatim, at HTTP 400', () => {
    const v = refusal(answer(400, '{"code":"101.001012","message":"\\u5b58\\u5728\\u672a\\u77e5"}'));
    expect(v.error).toBeInstanceOf(ProviderError);
    expect(v.error).toMatchObject({
      provider: 'inspur-ecs',
      operation: 'instances.get',
      kind: 'conflict',
      providerCode: '101.001012',
      providerMessage: '存在未知',
      httpStatus: 400,
    });
    expect(v.notActed).toBe(false);
  });

  it('reads a failure inside an HTTP 200', () => {
    const v = refusal(answer(200, { code: '001033', message: '云服务器abc不存在', data: null }));
    expect(v.error).toMatchObject({ kind: 'not_found', providerCode: '001033', providerMessage: '云服务器abc不存在' });
  });

  it('fails an HTTP error status even when the code says 200', () => {
    expect(refusal(answer(503, { code: 200, message: 'OK' })).error.kind).toBe('unavailable');
  });

  it('marks a throttled answer as not acted on, with its Retry-After', () => {
    const v = refusal(answer(429, { code: '429', message: 'Too Many Requests' }, { 'retry-after': '2' }));
    expect(v).toMatchObject({ notActed: true, error: { kind: 'rate_limited', retryAfterMs: 2000 } });
  });

  it('leaves bodies that are no envelope to the HTTP status', () => {
    expect(classifyInspur(answer(502, '<html>bad gateway</html>'), req)).toBeUndefined();
    expect(classifyInspur(answer(200, { unexpected: true }), req)).toBeUndefined();
  });
});

describe('the error-code table', () => {
  it.each([
    ['001012', 'conflict'],
    ['101.001012', 'conflict'],
    ['001002', 'invalid'],
    ['101.001002', 'invalid'],
    ['001033', 'not_found'],
    ['101.001033', 'not_found'],
    ['001040', 'unavailable'],
    ['101.001013', 'not_found'],
    ['101.001014', 'conflict'],
    ['101.003007', 'unavailable'],
    ['101.003011', 'conflict'],
    ['101.003006', 'unavailable'],
    ['101.003015', 'conflict'],
    ['101.003005', 'unavailable'],
    ['101.003016', 'conflict'],
    ['101.003017', 'invalid'],
  ] as const)('maps %s to %s whatever the HTTP status', (code, kind) => {
    expect(kindOf(code, 400)).toBe(kind);
    expect(kindOf(code, 500)).toBe(kind);
    expect(kindOf(code, 200)).toBe(kind);
  });

  it.each([
    ['401', 200, 'auth'],
    ['403', 400, 'auth'],
    ['503', 200, 'unavailable'],
    ['999.999999', 500, 'unavailable'],
    ['999.999999', 504, 'timeout'],
    ['999.999999', 400, 'invalid'],
    ['E1', 200, 'invalid'],
  ] as const)('reads an unknown code %s at HTTP %i as %s', (code, status, kind) => {
    expect(kindOf(code, status)).toBe(kind);
  });

  it('tells a batch refused for one of its servers from one refused as a whole', () => {
    const err = (code: string) => new ProviderError('inspur-ecs', 'x', 'conflict', code, 'm');
    for (const code of ['001012', '101.001012', '101.001013', '101.001014', '001033', '101.001033'])
      expect(isServerRefusal(err(code)), code).toBe(true);
    for (const code of ['001002', '001040', '101.003006']) expect(isServerRefusal(err(code)), code).toBe(false);
    expect(isServerRefusal(new Error('x'))).toBe(false);
  });
});

describe('the page cursor', () => {
  it('round-trips every page number and size and refuses foreign tokens', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.integer({ min: 1, max: 99_999 }), (pageNo, pageSize) => {
        expect(decodePageToken(encodePageToken({ pageNo, pageSize }))).toEqual({ pageNo, pageSize });
      }),
    );
    for (const bad of ['', 'p0s10', 'p1s0', 'p01s10', 'abc', 'p1s10x', '2']) expect(decodePageToken(bad)).toBeNull();
  });

  it('walks exactly ceil(total / size) pages when nothing changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 100 }), (total, size) => {
        let cursor: { pageNo: number; pageSize: number } | null = { pageNo: 1, pageSize: size };
        let seen = 0;
        let pages = 0;
        while (cursor) {
          const received = Math.max(0, Math.min(size, total - (cursor.pageNo - 1) * size));
          seen += received;
          pages++;
          cursor = nextPage(cursor, received, total);
        }
        expect(seen).toBe(total);
        expect(pages).toBe(Math.max(1, Math.ceil(total / size)));
      }),
    );
  });

  it('without a total, stops at the first short page', () => {
    expect(nextPage({ pageNo: 2, pageSize: 10 }, 10, undefined)).toEqual({ pageNo: 3, pageSize: 10 });
    expect(nextPage({ pageNo: 2, pageSize: 10 }, 9, undefined)).toBeNull();
    expect(nextPage({ pageNo: 2, pageSize: 10 }, 0, 100)).toBeNull();
  });
});

describe('tags', () => {
  const key = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/[,=]/.test(s) && s.trim() === s);
  const value = fc.string({ maxLength: 20 }).filter((s) => !s.includes(',') && s.trim() === s);

  it('round-trips tags that hold no comma and no "=" in a key', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value), (tags) => {
        const encoded = encodeTags(tags);
        if (!encoded.ok) throw new Error(encoded.why);
        expect(decodeTags(encoded.tags)).toEqual(tags);
      }),
    );
  });

  it('writes bare keys for empty values and refuses separators', () => {
    expect(encodeTags({ env: 'prod', ECS: '' })).toEqual({ ok: true, tags: ['env=prod', 'ECS'] });
    expect(encodeTags({ 'a,b': '' })).toMatchObject({ ok: false, key: 'a,b' });
    expect(encodeTags({ a: 'x,y' })).toMatchObject({ ok: false, key: 'a' });
    expect(encodeTags({ 'a=b': 'c' })).toMatchObject({ ok: false, key: 'a=b' });
  });

  it('reads any platform strings into valid unified tags', () => {
    fc.assert(fc.property(fc.array(fc.string()), (list) => void Tags.parse(decodeTags(list))));
    expect(decodeTags(['ECS', 'role=web=1', ' ', ''])).toEqual({ ECS: '', role: 'web=1' });
  });
});

describe('times', () => {
  it.each([
    ['2012-08-20T21:11:09Z', '2012-08-20T21:11:09.000Z'],
    ['2018-09-07T12:14:25.000+0000', '2018-09-07T12:14:25.000Z'],
    ['2018-09-07T12:14:25.500+0800', '2018-09-07T04:14:25.500Z'],
    ['2018-09-07T12:14:25-05:30', '2018-09-07T17:44:25.000Z'],
    // Zone-less times are China Standard Time (A55).
    ['2019-05-08 16:53:27', '2019-05-08T08:53:27.000Z'],
  ])('reads %s', (raw, iso) => {
    expect(parseInspurTime(raw)?.toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', '2019-02-30 10:00:00', '2019-05-08 25:00:00', '1557305473'])('refuses %j', (raw) => {
    expect(parseInspurTime(raw)).toBeNull();
  });
  expect(parseInspurTime(null)).toBeNull();
});

describe('action bodies', () => {
  it('puts the action name as the only key, servers nested inside for batches', () => {
    expect(actionBody('start', 'SOFT')).toEqual({ 'os-start': {} });
    expect(actionBody('stop', 'HARD')).toEqual({ 'os-stop': {} });
    expect(actionBody('reboot', 'HARD')).toEqual({ reboot: { type: 'HARD' } });
    expect(batchBody('start', ['a', 'b'], 'SOFT')).toEqual({ 'os-start': { servers: [{ id: 'a' }, { id: 'b' }] } });
    expect(batchBody('stop', ['a'], 'SOFT')).toEqual({ 'os-stop': { servers: [{ id: 'a' }] } });
    expect(batchBody('reboot', ['a'], 'SOFT')).toEqual({ reboot: { type: 'SOFT', servers: [{ id: 'a' }] } });
  });

  it('reads the batch delete summary into counts, keeping the text', () => {
    expect(readDeleteSummary('删除成功2台,删除失败1台')).toEqual({
      summary: '删除成功2台,删除失败1台',
      succeeded: 2,
      failed: 1,
    });
    expect(readDeleteSummary('done')).toEqual({ summary: 'done', succeeded: null, failed: null });
    expect(readDeleteSummary(undefined)).toEqual({ summary: null, succeeded: null, failed: null });
  });
});

describe('account checks', () => {
  it('names an auth header option that has no token to carry', () => {
    const options = InspurOptions.parse({ authHeader: 'X-Auth-Token' });
    expect(checkInspurAccount({}, options)).toEqual([
      { pointer: '/options/authHeader', detail: expect.stringContaining('credentials.token') },
    ]);
    expect(checkInspurAccount({ token: 't' }, options)).toEqual([]);
  });

  it('names a token no header can hold', () => {
    expect(checkInspurAccount({ token: 'a b' }, InspurOptions.parse({}))).toEqual([
      { pointer: '/credentials/token', detail: expect.any(String) },
    ]);
  });

  it('accepts an account with no token at all', () => {
    expect(checkInspurAccount({}, InspurOptions.parse({}))).toEqual([]);
  });
});
