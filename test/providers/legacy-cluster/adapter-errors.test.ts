/**
 * Every return code of the document, and the gateway-level failures around the broker, as the
 * adapter reports them: kind, the broker's code and decoded message verbatim, and retries that
 * follow the verdict (A40, A43–A45).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { createLogger } from '../../../src/logger.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import { createHttpClient, type HttpClient } from '../../../src/providers/http.ts';
import {
  LegacyCredentials,
  LegacyOptions,
  classifyLegacy,
  createLegacyClient,
  type LegacyClient,
} from '../../../src/providers/legacy-cluster/index.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { ALIYUN, OPTIONS, capturingLogger, startLegacy, type LegacyHarness } from './harness.ts';

let h: LegacyHarness;
let p: Provider;
let http: HttpClient;
let raw: LegacyClient;
const spec = MachineSpec.parse({ zone: ALIYUN.zoneId, instanceType: '1Core-1GB', image: ALIYUN.imageId });
const group = { name: 'g', namePrefix: 'g', spec, tags: {} };
const DATA_DISK_MESSAGE =
  'The paramter (DataDiskNum) over size limited and the size range is larger than 0 and less equal 4.!';

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
const seen = (e: ProviderError) => ({ kind: e.kind, code: e.providerCode, message: e.providerMessage });

beforeAll(async () => {
  h = await startLegacy();
  p = h.provider().provider;
  const logger = createLogger('silent');
  http = createHttpClient({
    provider: 'legacy-cluster',
    baseUrl: h.baseUrl,
    logger,
    timeoutMs: 5_000,
    classify: classifyLegacy,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  raw = createLegacyClient(
    { id: 'raw', endpoint: h.baseUrl, credentials: LegacyCredentials.parse({}), options: LegacyOptions.parse(OPTIONS) },
    { http, logger },
  );
});
afterAll(async () => {
  await http.close();
  await h.close();
});
beforeEach(() => h.reset());

describe('return codes', () => {
  it.each([
    ['10999', 'Ceate cluster err', 'unavailable'],
    ['10999', 'QuerySeter no row found', 'not_found'],
    ['10999', 'unknown backend provider driver: ', 'invalid'],
    ['11996', DATA_DISK_MESSAGE, 'invalid'],
    ['12996', 'Input error!', 'invalid'],
    ['12997', 'Missing requisite parameter!', 'invalid'],
    ['12997', 'QuerySeter no row found', 'not_found'],
    ['12966', 'Input error!', 'invalid'],
    ['0', 'result to json error', 'unavailable'],
    ['31337', 'a code the document never shows', 'unavailable'],
  ])('reports code %s "%s" as %s, code and message verbatim, sent once', async (code, message, kind) => {
    await h.fault({ op: 'cluster.create', kind: 'refuse', code, message, times: 1 });
    const err = await rejection(p.createGroup(group));
    expect(seen(err)).toEqual({ kind, code, message });
    expect((await h.counts())['cluster.create']).toBe(1);
  });

  it('answers the documented failures of the broker itself', async () => {
    // 10999 "QuerySeter no row found": an unknown template (op 2).
    expect(seen(await rejection(p.runOperation('templates.get', { templateId: '999' })))).toEqual({
      kind: 'not_found',
      code: '10999',
      message: 'QuerySeter no row found',
    });
    // 10999 "unknown backend provider driver: …" (ops 17–25).
    const unknown = await rejection(p.runOperation('catalog.disk_categories', { provider: 'nope' }));
    expect(unknown).toMatchObject({ kind: 'invalid', providerCode: '10999' });
    expect(unknown.providerMessage).toMatch(/^unknown backend provider driver: /);
    // 11996: the data disk count out of 1..4 (op 3), a body the adapter itself never sends.
    const body = { Name: 'x', Provider: 'aliyun', InstanceType: 'ecs.n1.tiny', ImageId: ALIYUN.imageId };
    const disks = { SystemDiskCategory: 'cloud_efficiency', DataDiskCategory: 'cloud_efficiency', DataDiskSize: 10 };
    const where = { Zone: { Id: 0, RegionName: 'cn-beijing', ZoneName: 'cn-beijing-c' }, Network: { Id: 0 } };
    const tooMany = raw.content(
      {
        method: 'POST',
        path: '/v1/cluster',
        operation: 'raw',
        idempotent: false,
        json: { ...body, ...disks, ...where, DataDiskNum: 5 },
      },
      z.unknown(),
    );
    expect(seen(await rejection(tooMany))).toEqual({ kind: 'invalid', code: '11996', message: DATA_DISK_MESSAGE });
    // 12996 "Input error!": a template id that is not an int.
    const notInt = raw.envelope({ method: 'GET', path: '/v1/cluster/abc', operation: 'raw', idempotent: true });
    expect(seen(await rejection(notInt))).toMatchObject({ kind: 'invalid', code: '12996' });
    // 12997 without the correlation id the document requires (ops 5, 13, 31).
    const template = await raw.envelope({ method: 'GET', path: '/v1/cluster/3', operation: 'raw', idempotent: true });
    const phydev = { instancelist: [{ PublicIp: '101.1.2.190', PrivateIp: '1.11.1.190', Password: 'pw', Port: 0 }] };
    for (const [method, path, json] of [
      ['POST', '/v1/cluster/3/expand/1', template.content],
      ['DELETE', '/v1/instance/i-x', undefined],
      ['POST', '/v1/instance/phydev', phydev],
    ] as const) {
      const noId = raw.envelope({ method, path, operation: 'raw', idempotent: false, json });
      expect(seen(await rejection(noId))).toEqual({
        kind: 'invalid',
        code: '12997',
        message: 'Missing requisite parameter(X-CORRELATION-ID)!',
      });
    }
  });

  it('reads code 0 with a message as a failure, retried like a 5xx for a read', async () => {
    await h.fault({ op: 'instance.log', kind: 'refuse', code: '0', message: 'result to json error', times: 2 });
    const { provider, metrics } = h.provider();
    const out = await provider.runOperation('logs.by_instance', { instanceId: 'i-b5omql5sajq2oum6srf0' });
    expect(out).toHaveProperty('log');
    expect((await h.counts())['instance.log']).toBe(3);
    expect(await metrics.metrics()).toContain('outcome="200:0"');
    await h.fault({ op: 'instance.log', kind: 'refuse', code: '0', message: 'result to json error' });
    const err = await rejection(provider.runOperation('logs.by_instance', { instanceId: 'i-b5omql5sajq2oum6srf0' }));
    expect(seen(err)).toEqual({ kind: 'unavailable', code: '0', message: 'result to json error' });
  });

  it('reads a registration where every machine failed as a failure though its code is 0', async () => {
    const machine = { publicIp: '101.1.2.150', privateIp: '1.11.1.150', password: 'pw-12345678' };
    await p.runOperation('machines.register', { machines: [machine] });
    const err = await rejection(p.runOperation('machines.register', { machines: [machine] }));
    expect(seen(err)).toEqual({ kind: 'conflict', code: '0', message: 'Instance: 101.1.2.150 is already in DB' });
    // A partial registration is a success told per machine.
    const other = { publicIp: '101.1.2.151', privateIp: '1.11.1.151', password: 'pw-12345678' };
    expect(await p.runOperation('machines.register', { machines: [machine, other] })).toMatchObject({
      registered: 1,
      failed: 1,
      errors: ['Instance: 101.1.2.150 is already in DB'],
    });
  });
});

describe('failures around the envelope', () => {
  it('retries a gateway 500 on a read and reports it with the envelope it carried', async () => {
    await h.fault({ op: 'catalog.regions', kind: 'http_error', times: 1 });
    expect((await p.listRegions()).length).toBeGreaterThan(0);
    await h.fault({ op: 'catalog.regions', kind: 'http_error' });
    const err = await rejection(p.listRegions());
    expect(err).toMatchObject({ kind: 'unavailable', httpStatus: 500, providerCode: '10999' });
    // Two calls for the first list (a failure, then its retry), four for the second (a first try and three retries).
    expect((await h.counts())['catalog.regions']).toBe(2 + 4);
  });

  it('waits out a rate limit as the broker asks and then answers', async () => {
    await h.fault({ op: 'catalog.zones', kind: 'rate_limit', retryAfterSec: 0, times: 2 });
    expect((await p.listZones()).length).toBeGreaterThan(0);
    expect((await h.counts())['catalog.zones']).toBe(3);
  });

  it('sends a create once whatever happens to its answer', async () => {
    await h.fault({ op: 'instance.create', kind: 'lost_answer', times: 1 });
    expect((await rejection(p.createInstance({ name: 'x', spec, tags: {} }))).kind).toBe('unavailable');
    await h.fault({ op: 'instance.create', kind: 'timeout', holdMs: 5, times: 1 });
    expect((await rejection(p.createInstance({ name: 'x', spec, tags: {} }))).kind).toBe('timeout');
    await h.fault({ op: 'instance.create', kind: 'http_error', status: 502, times: 1 });
    expect((await rejection(p.createInstance({ name: 'x', spec, tags: {} }))).kind).toBe('unavailable');
    expect((await h.counts())['instance.create']).toBe(3);
  });

  it.each(['invalid_json', 'wrong_shape'])('reports a %s answer as malformed', async (malformed) => {
    await h.fault({ op: 'cluster.list', kind: 'malformed', malformed, times: 1 });
    expect((await rejection(p.runOperation('templates.list', {}))).kind).toBe('malformed');
  });

  it('reports content of the wrong shape as malformed, naming the field', async () => {
    const err = await rejection(
      raw.content({ method: 'GET', path: '/v1/instance/provider', operation: 'raw', idempotent: true }, LegacyOptions),
    );
    expect(err.kind).toBe('malformed');
    expect(err.providerMessage).toMatch(/^unexpected content/);
  });

  it('reads a route the broker lacks as a wrong endpoint, never as a gone machine', async () => {
    const err = await rejection(
      raw.envelope({ method: 'GET', path: '/v1/nothing', operation: 'raw', idempotent: false }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', httpStatus: 404, providerCode: '404' });
  });
});

describe('a gateway in front of the broker', () => {
  it('sends the credential headers on every call, and reads a refusal of them as auth', async () => {
    const gated = await startLegacy({ gatewayHeaders: { 'x-api-key': 'gw-secret-1' } });
    try {
      const { logger, lines } = capturingLogger();
      const ok = gated.provider(OPTIONS, { headers: { 'x-api-key': 'gw-secret-1' } }, logger).provider;
      await ok.verifyCredentials();
      await ok.listZones();
      const bad = gated.provider(OPTIONS, { headers: { 'x-api-key': 'wrong' } }).provider;
      const err = await rejection(bad.verifyCredentials());
      expect(err).toMatchObject({
        kind: 'auth',
        httpStatus: 401,
        providerCode: '401',
        providerMessage: 'Unauthorized',
      });
      expect(JSON.stringify(err)).not.toContain('wrong');
      expect(lines.length).toBeGreaterThan(0);
      expect(JSON.stringify(lines)).not.toContain('gw-secret-1');
    } finally {
      await gated.close();
    }
  });
});
