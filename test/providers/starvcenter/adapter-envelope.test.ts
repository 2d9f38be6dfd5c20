/**
 * The Base64 envelope and the result-code verdict, as pure functions (A44–A48): what goes on
 * the wire for a request, how every documented answer form is read, and which ProviderError
 * each failure becomes. The HTTP round trips are in adapter.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../../src/providers/contract.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import {
  RESULT_CODES,
  classifyStarVCenter,
  hasNextPage,
  prefixFor,
} from '../../../src/providers/starvcenter/client.ts';
import {
  EnvelopeDecodeError,
  decodeFormBody,
  decodeText,
  encodeAnswer,
  encodeParam,
  formBody,
} from '../../../src/providers/starvcenter/envelope.ts';

const req: HttpRequest = { method: 'POST', path: 'cloudvm/search', operation: 'instances.list', idempotent: true };

function answer(text: string, status = 200, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

function refusal(res: HttpResponse): ProviderError {
  const verdict = classifyStarVCenter(res, req);
  if (!verdict || verdict.ok) throw new Error('expected a refusal');
  return verdict.error;
}

describe('request encoding (KEY_PARAM)', () => {
  it('encodes the catalog example exactly: standard alphabet, padding, no line breaks', () => {
    expect(encodeParam({ 'vm.id': 'a1b2c3' })).toBe('eyJ2bS5pZCI6ImExYjJjMyJ9');
    expect(encodeParam({})).toBe('e30=');
  });

  it('encodes non-ASCII names as UTF-8 and percent-encodes + / = in the form field', () => {
    const b64 = encodeParam({ 'vm.name': '测试' });
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe('{"vm.name":"测试"}');
    expect(b64).toContain('+');
    const body = formBody({ 'vm.name': '测试' });
    expect(body.startsWith('KEY_PARAM=')).toBe(true);
    expect(body).not.toMatch(/[+/]/);
    expect(body).toContain('%2B');
    expect(decodeFormBody(body)).toEqual({ 'vm.name': '测试' });
  });

  it('trims the stray spaces of documented keys before sending', () => {
    expect(decodeFormBody(formBody({ ' vpc.desc': 'x', 'vm.tenant.type ': 'y' }))).toEqual({
      'vpc.desc': 'x',
      'vm.tenant.type': 'y',
    });
  });

  it('round-trips any parameter object (documented key shapes, any text) through the form field', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9._]{0,20}$/), fc.string()), (param) => {
        expect(decodeFormBody(formBody(param))).toEqual(param);
      }),
    );
  });
});

describe('answer decoding', () => {
  const envelope = { result: '0', data: [{ 'vm.name': 'web-节点-1' }], dataCount: 1 };
  const b64 = encodeAnswer(envelope);

  it('reads the catalog auth-failure example', () => {
    expect(decodeText('eyJyZXN1bHQiOiIxMDAzIiwicmVzdWx0aW5mbyI6IuS7pOeJjOaXoOaViCJ9')).toEqual({
      result: '1003',
      resultinfo: '令牌无效',
    });
  });

  it.each([
    ['padded standard Base64', b64],
    ['missing padding', b64.replace(/=+$/, '')],
    ['76-column line wraps with CRLF', b64.replace(/(.{76})/g, '$1\r\n')],
    ['a JSON-quoted string', JSON.stringify(b64)],
    ['surrounding whitespace', `\n  ${b64}  \n`],
    ['the URL-safe alphabet', b64.replace(/\+/g, '-').replace(/\//g, '_')],
    ['a plain JSON body', JSON.stringify(envelope)],
  ])('reads %s', (_what, text) => {
    expect(decodeText(text)).toEqual(envelope);
  });

  it('keeps a key named __proto__ as a key, never as a prototype', () => {
    const text = encodeAnswer(JSON.parse('{"result":"0","data":{"__proto__":{"polluted":"yes"},"a":"b"}}'));
    const decoded = decodeText(text) as { data: Record<string, unknown> };
    expect(Object.keys(decoded.data)).toEqual(['__proto__', 'a']);
    expect((decoded.data as { polluted?: string }).polluted).toBeUndefined();
    expect(decodeFormBody(formBody(JSON.parse('{"__proto__":"x"}')))).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('reads answer keys with every whitespace removed', () => {
    const text = encodeAnswer({ result: '0', data: { 'vm.tenant.type ': 'a', 'monitor. netcard id': 'n1' } });
    expect(decodeText(text)).toEqual({ result: '0', data: { 'vm.tenant.type': 'a', 'monitor.netcardid': 'n1' } });
  });

  it.each([
    ['an empty body', ''],
    ['text that is not Base64', 'not base64 at all!'],
    ['Base64 of bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64')],
    ['Base64 of text that is not JSON', Buffer.from('hello', 'utf8').toString('base64')],
    ['truncated Base64', 'eyJyZ'],
  ])('refuses %s as undecodable', (_what, text) => {
    expect(() => decodeText(text)).toThrow(EnvelopeDecodeError);
  });

  it('decodes whatever JSON was encoded, whatever its characters', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, info) => {
        const e = { result: '1', resultinfo: info, data: { 'vm.name': name } };
        expect(decodeText(encodeAnswer(e))).toEqual(e);
      }),
    );
  });
});

describe('verdicts by result code (classify)', () => {
  it('has a row for every documented result code', () => {
    expect(Object.keys(RESULT_CODES).sort()).toEqual(['0', '1', '1003']);
  });

  it('accepts "0" (string or number) as success', () => {
    expect(classifyStarVCenter(answer(encodeAnswer({ result: '0', startid: '5002' })), req)).toEqual({ ok: true });
    expect(classifyStarVCenter(answer(encodeAnswer({ result: 0 })), req)).toEqual({ ok: true });
  });

  it('turns "1" into a permanent refusal carrying the decoded message verbatim', () => {
    const err = refusal(answer(encodeAnswer({ result: '1', resultinfo: '云主机正在运行，不能启动' })));
    expect(err).toMatchObject({
      provider: 'starvcenter',
      operation: 'instances.list',
      kind: 'invalid',
      providerCode: '1',
      providerMessage: '云主机正在运行，不能启动',
    });
    expect(err.retryable).toBe(false);
    expect(err.message).not.toMatch(/eyJ/);
  });

  it('turns the token failure "1003" into an auth error', () => {
    const err = refusal(answer('eyJyZXN1bHQiOiIxMDAzIiwicmVzdWx0aW5mbyI6IuS7pOeJjOaXoOaViCJ9'));
    expect(err).toMatchObject({ kind: 'auth', providerCode: '1003', providerMessage: '令牌无效' });
  });

  it('keeps an undocumented code as a refusal with its code', () => {
    expect(refusal(answer(encodeAnswer({ result: '42', resultinfo: 'odd' })))).toMatchObject({
      kind: 'invalid',
      providerCode: '42',
      providerMessage: 'odd',
    });
  });

  it('calls an undecodable 200 malformed, naming what was wrong and nothing of the body', () => {
    const err = refusal(answer('%%%'));
    expect(err.kind).toBe('malformed');
    expect(err.providerMessage).toBe('the answer is neither Base64 nor JSON');
    expect(refusal(answer(encodeAnswer({ data: [] }))).kind).toBe('malformed');
  });

  it.each([
    [429, 'rate_limited', true],
    [500, 'unavailable', false],
    [503, 'unavailable', false],
    [504, 'timeout', false],
    [401, 'auth', false],
    [404, 'invalid', false],
    [405, 'invalid', false],
  ])('reads HTTP %i as %s', (status, kind, notActed) => {
    const verdict = classifyStarVCenter(answer('', status, { 'retry-after': '2' }), req);
    expect(verdict).toMatchObject({ ok: false, notActed, error: { kind, providerCode: String(status) } });
  });

  it('takes the reason of an envelope that came with an HTTP error', () => {
    const err = refusal(answer(encodeAnswer({ result: '1', resultinfo: '服务繁忙' }), 503));
    expect(err).toMatchObject({ kind: 'unavailable', providerCode: '1', providerMessage: '服务繁忙', httpStatus: 503 });
  });
});

describe('paging and paths', () => {
  it('sees a next page only while pages are full and dataCount is not reached', () => {
    expect(hasNextPage(1, 30, 30, 61)).toBe(true);
    expect(hasNextPage(2, 30, 30, 60)).toBe(false);
    expect(hasNextPage(3, 30, 1, 61)).toBe(false);
    expect(hasNextPage(1, 30, 30, null)).toBe(true);
    expect(hasNextPage(1, 30, 0, null)).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 30 }), (total, size) => {
        // Walking the pages of a list of `total` items visits ceil(total/size) pages (at least one).
        let page = 1;
        while (hasNextPage(page, size, Math.min(size, Math.max(0, total - (page - 1) * size)), total)) page++;
        expect(page).toBe(Math.max(1, Math.ceil(total / size)));
      }),
    );
  });

  it('adds the documented base path only when the endpoint lacks it', () => {
    const base = '/starvcenter/services/cloudresource';
    expect(prefixFor('http://h:18081', base)).toBe(base);
    expect(prefixFor('http://h:18081/', base)).toBe(base);
    expect(prefixFor(`http://h:18081${base}`, base)).toBe('');
    expect(prefixFor(`http://h:18081${base}/`, base)).toBe('');
  });
});
