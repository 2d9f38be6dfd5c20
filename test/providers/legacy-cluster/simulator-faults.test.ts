import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PHYDEV, DEMO_STATUS_MAP } from '../../../src/providers/legacy-cluster/simulator.ts';
import { type LegacyHarness, envelope, startLegacy, templateBody } from './simulator-harness.ts';

let h: LegacyHarness;
beforeAll(async () => {
  h = await startLegacy();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const fault = (rule: Record<string, unknown>) => h.control('POST', '/faults', { times: 1, ...rule });
const expand = async (n = 1, correlationId = '1-1'): Promise<string[]> =>
  (await h.call('POST', `/v1/cluster/3/expand/${n}`, { body: templateBody(), correlationId })).json.content;

describe('injected faults in the envelope wire', () => {
  it('answers gateway errors with their HTTP status and an envelope body', async () => {
    await fault({ op: 'cluster.list', kind: 'http_error', status: 503 });
    const r = await h.call('GET', '/v1/cluster');
    expect([r.status, r.json]).toEqual([503, envelope(10999, 'Service Unavailable')]);
    expect((await h.call('GET', '/v1/cluster')).status).toBe(200);
  });

  it('answers a rate limit with 429 and Retry-After', async () => {
    await fault({ op: 'instance.get', kind: 'rate_limit', retryAfterSec: 3 });
    const r = await h.call('GET', `/v1/instance/${DEMO_PHYDEV.instanceId}`);
    expect([r.status, r.headers['retry-after'], r.json]).toEqual([429, '3', envelope(10999, 'Too Many Requests')]);
  });

  it('answers a timeout with 504 after holding the call', async () => {
    await fault({ op: 'catalog.providers', kind: 'timeout', holdMs: 20 });
    const r = await h.call('GET', '/v1/instance/provider');
    expect([r.status, r.json]).toEqual([504, envelope(10999, 'Gateway Timeout')]);
  });

  it('answers malformed 200s: a truncated envelope and one whose fields are not the envelope', async () => {
    await fault({ op: 'instance.list', kind: 'malformed', malformed: 'invalid_json' });
    const broken = await h.call('GET', '/v1/instance/list');
    expect([broken.status, broken.json]).toEqual([200, undefined]);
    expect(broken.text.startsWith('{"code":0,')).toBe(true);
    await fault({ op: 'instance.list', kind: 'malformed', malformed: 'wrong_shape' });
    const odd = await h.call('GET', '/v1/instance/list');
    expect(odd.status).toBe(200);
    expect(typeof odd.json.code).toBe('string');
  });

  it("renders a refuse fault as the operation's own documented failure with HTTP 200", async () => {
    await fault({ op: 'instance.start', kind: 'refuse', status: 403 });
    const start = await h.call('GET', `/v1/start/${DEMO_PHYDEV.instanceId}`);
    expect([start.status, start.json]).toEqual([200, envelope(10999, 'Could not start instances', false)]);
    await fault({ op: 'catalog.regions', kind: 'refuse' });
    expect((await h.call('GET', '/v1/instance/regions/aliyun')).json).toEqual(
      envelope(10999, 'unknown backend provider driver: '),
    );
    await fault({ op: 'cluster.create', kind: 'refuse' });
    expect((await h.call('POST', '/v1/cluster', { body: templateBody() })).json).toEqual(
      envelope(10999, 'Ceate cluster err'),
    );
  });

  it('renders the documented code-0 failures of ops 28-30 through refuse faults', async () => {
    for (const op of ['instance.log', 'instance.upload']) await fault({ op, kind: 'refuse' });
    expect((await h.call('GET', `/v1/instance/log/${DEMO_PHYDEV.instanceId}`)).json).toEqual(
      envelope(0, 'result to json error'),
    );
    expect((await h.call('PUT', '/v1/instance/phydev', { body: {} })).json).toEqual(
      envelope(0, 'result to json error'),
    );
  });

  it('uses the code and message a refuse rule gives', async () => {
    await fault({ op: 'cluster.get', kind: 'refuse', code: '12997', message: 'Missing requisite parameter!' });
    expect((await h.call('GET', '/v1/cluster/3')).json).toEqual(envelope(12997, 'Missing requisite parameter!'));
  });

  it('acts on a delete whose answer is lost', async () => {
    const [id] = await expand();
    await fault({ op: 'instance.delete', kind: 'lost_answer' });
    await expect(h.call('DELETE', `/v1/instance/${id}`, { correlationId: 'lost' })).rejects.toThrow();
    expect((await h.call('GET', `/v1/status/${id}`)).json.content[0].status).toBe(16);
  });

  it('logs each call under its operation name, fault kind included', async () => {
    await fault({ op: 'instance.status', kind: 'http_error' });
    await h.call('GET', '/v1/status/x', { correlationId: 'c-1' });
    await h.call('GET', '/v1/status/x');
    const calls = (await h.control('GET', '/calls')).json;
    expect(calls.counts['instance.status']).toBe(2);
    expect(calls.recent.slice(-2)).toMatchObject([
      { op: 'instance.status', fault: 'http_error', fields: { correlationId: 'c-1' } },
      { op: 'instance.status', fault: null },
    ]);
    expect(calls.recent.at(-1).fields).toBeUndefined();
  });
});

describe('control API', () => {
  it('reports the platform status integer and forces a machine by status', async () => {
    const [id] = await expand();
    expect((await h.control('GET', `/instances/${id}`)).json).toMatchObject({ status: '0', state: 'creating' });
    const forced = await h.control('POST', `/instances/${id}/force`, { status: '1' });
    expect(forced.json).toMatchObject({ status: '1', state: 'stopped' });
    expect((await h.call('GET', `/v1/status/${id}`)).json.content[0].status).toBe(1);
    expect((await h.control('POST', `/instances/${id}/force`, { status: '2' })).status).toBe(400);
    await h.control('POST', `/instances/${id}/force`, { state: 'error' });
    expect((await h.call('GET', `/v1/instance/${id}`)).json.content.Status).toBe(8);
  });

  it('renders a machine seeded through the control API with zero values', async () => {
    await h.control('POST', '/instances', { tenant: 'legacy', name: 'seeded', id: 'i-seeded' });
    const m = (await h.call('GET', '/v1/instance/i-seeded')).json.content;
    expect(m).toMatchObject({ InstanceId: 'i-seeded', Provider: '', Status: 7, Cluster: { Id: 0 } });
    expect((await h.call('GET', '/v1/cluster/oldnumber/2017-08-02%2017:52:29')).json.content.total).toBe('2');
  });

  it('maps every status it reports in DEMO_STATUS_MAP', async () => {
    const [id] = await expand();
    const seen = new Set<string>([String((await h.call('GET', `/v1/status/${id}`)).json.content[0].status)]);
    for (const state of ['running', 'stopped', 'starting', 'error', 'deleting', 'stopping', 'rebooting']) {
      await h.control('POST', `/instances/${id}/force`, { state });
      seen.add(String((await h.call('GET', `/v1/status/${id}`)).json.content[0].status));
    }
    for (const s of seen) expect(DEMO_STATUS_MAP[s], `status ${s}`).toBeDefined();
  });

  it('takes delays from the config, so a boot can be instant', async () => {
    await h.control('PATCH', '/config', { delays: { bootMs: 0 } });
    const [id] = await expand();
    expect((await h.call('GET', `/v1/status/${id}`)).json.content[0].status).toBe(7);
  });

  it('mounts the control API under another prefix when told to', async () => {
    const other = await startLegacy({ controlPrefix: '/_ctl' });
    try {
      expect((await other.call('GET', '/_ctl/config', { contentType: null })).json.delays.bootMs).toBe(3000);
      expect((await other.call('GET', '/_sim/config', { contentType: null })).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('replays the same ids for the same seed, and reseeds on reset', async () => {
    const first = await expand(2);
    await h.reset();
    expect(await expand(2)).toEqual(first);
    await h.control('POST', '/reset', { seed: 99 });
    expect(await expand(2)).not.toEqual(first);
    expect((await h.call('GET', '/v1/cluster')).json.content).toHaveLength(3);
  });
});
