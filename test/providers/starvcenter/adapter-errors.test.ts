/**
 * Every result code of the document over HTTP, and the faults a platform call can meet: the
 * token failure ("1003"), refusals ("1") carrying the platform's decoded message, locked VMs,
 * rate limits, 5xx answers, lost answers and undecodable bodies — each as the ProviderError
 * kind the shared HTTP client retries and counts by.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_OTHER_TENANT, DEMO_TENANT } from '../../../src/providers/starvcenter/simulator.ts';
import { decodeText, formBody } from '../../../src/providers/starvcenter/envelope.ts';
import { DELAYS, OPTIONS, OTHER_TOKEN, TOKEN, rejectionOf, startStarVCenter, type StarHarness } from './harness.ts';

let h: StarHarness;
let p: Provider;
const spec = MachineSpec.parse({ instanceType: 'c1m1024', image: 'model:centos-7-9' });
const BASE64ISH = /^[A-Za-z0-9+/=]{16,}$/;

async function running(name: string): Promise<string> {
  const { instanceId } = await p.createInstance({ name, spec, tags: {} });
  await h.advance(DELAYS.bootMs);
  return instanceId!;
}

/** Injects one fault on the next call of the operation at this method and path. */
async function fault(method: string, path: string, rule: Record<string, unknown>, prime: () => Promise<unknown>) {
  await prime().catch(() => undefined);
  const op = await h.opOf(method, path);
  await h.control('POST', '/faults', { op, times: 1, ...rule });
  await h.control('DELETE', '/calls');
  return op;
}

beforeAll(async () => {
  h = await startStarVCenter();
});
afterAll(() => h.close());
// The simulator's ids repeat after a reset (same seed): each test gets a fresh adapter too.
beforeEach(async () => {
  await h.reset();
  ({ provider: p } = h.provider());
});

describe('result codes', () => {
  it('reads "0" as success', async () => {
    await expect(p.verifyCredentials()).resolves.toBeUndefined();
  });

  it('reads the token failure "1003" as auth, with the decoded message and no retry', async () => {
    const { provider } = h.provider({ token: 'not-a-token' });
    const err = await rejectionOf<ProviderError>(provider.verifyCredentials());
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'starvcenter', kind: 'auth', providerCode: '1003' });
    expect(err.providerMessage).toBeTruthy();
    expect(err.providerMessage).not.toMatch(BASE64ISH);
    expect(err.message).not.toContain('not-a-token');
    expect(await h.calls()).toHaveLength(1);
  });

  it('reads an expired token as the same auth failure', async () => {
    const { token } = await h.control('POST', '/starvcenter/tokens', { tenant: DEMO_TENANT.id, ttlMs: 60_000 });
    const { provider } = h.provider({ token });
    await provider.verifyCredentials();
    await h.control('POST', '/tokens/expire');
    expect(await rejectionOf(provider.verifyCredentials())).toMatchObject({ kind: 'auth', providerCode: '1003' });
  });

  it('reads "1" as a refusal showing the platform code and its decoded message', async () => {
    const id = await running('cp-refuse-1');
    // Starting a running VM is refused by the platform (catalog §5.1).
    const err = await rejectionOf<ProviderError>(p.startInstance(id));
    expect(err).toMatchObject({ kind: 'invalid', providerCode: '1', operation: 'instances.start' });
    expect(err.providerMessage).toBeTruthy();
    expect(err.providerMessage).not.toMatch(BASE64ISH);
    expect(err.retryable).toBe(false);
    // A refused action is not remembered as a transition.
    expect(await p.getInstance(id)).toMatchObject({ status: 'running' });
  });

  it('shows exactly the resultinfo the platform sent, decoded from its Base64 answer', async () => {
    const id = await running('cp-verbatim-1');
    // The same call sent by hand: the body is the Base64 envelope, its message readable only decoded.
    const res = await request(`${h.endpoint}/cloudvm/start`, {
      method: 'PUT',
      headers: { KEY_TOKEN: TOKEN, 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ 'vm.id': id }),
    });
    const raw = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(raw).toMatch(BASE64ISH);
    const wire = decodeText(raw) as { result: string; resultinfo: string };
    expect(wire.result).toBe('1');
    const err = await rejectionOf<ProviderError>(p.startInstance(id));
    expect(err.providerMessage).toBe(wire.resultinfo);
    expect(err.message).toContain(wire.resultinfo);
  });

  it('passes the refusal of an OS reboot or shutdown of a guest without an agent through', async () => {
    const { instanceId } = await p.createInstance({
      name: 'cp-noagent-1',
      spec: MachineSpec.parse({ instanceType: 'c1m1024', image: 'model:win-2022' }),
      tags: {},
    });
    await h.advance(DELAYS.bootMs);
    expect((await p.getInstance(instanceId!))?.providerData).toMatchObject({
      'vm.reboot.enable': 'false',
      'vm.shutdown.enable': 'false',
    });
    const err = await rejectionOf<ProviderError>(p.rebootInstance(instanceId!));
    expect(err).toMatchObject({ kind: 'invalid', providerCode: '1' });
  });

  it('passes a refusal of create through with the platform message, and never re-sends it', async () => {
    const bad = MachineSpec.parse({ instanceType: 'c1m1024', image: 'model:no-such-model' });
    const err = await rejectionOf<ProviderError>(p.createInstance({ name: 'cp-bad-model', spec: bad, tags: {} }));
    expect(err).toMatchObject({ kind: 'invalid', providerCode: '1' });
    expect(err.providerMessage).toBeTruthy();
    expect((await h.calls()).filter((c) => c.url.endsWith('/cloudvm/create'))).toHaveLength(1);
  });

  it('refuses every operation on a locked VM with "1" (Appendix 2)', async () => {
    const id = await running('cp-locked-1');
    await h.control('POST', `/starvcenter/vms/${id}/lock`, { code: 3 });
    expect(await rejectionOf(p.stopInstance(id))).toMatchObject({ kind: 'invalid', providerCode: '1' });
    expect(await rejectionOf(p.rebootInstance(id))).toMatchObject({ kind: 'invalid', providerCode: '1' });
    await h.control('POST', `/starvcenter/vms/${id}/lock`, { code: 0 });
    await expect(p.rebootInstance(id)).resolves.toBeUndefined();
  });

  it("cannot see another tenant's machines: the token decides the tenant", async () => {
    const id = await running('cp-mine-1');
    const { provider: other } = h.provider({ token: OTHER_TOKEN }, { defaultNetworkId: 'pg-other-app' });
    expect(await other.getInstance(id)).toBeNull();
    expect((await other.listInstances({ name: 'cp-mine-1' })).items).toEqual([]);
    expect(DEMO_OTHER_TENANT.token).toBe(OTHER_TOKEN);
  });
});

describe('faults', () => {
  it('retries a rate-limited read and succeeds', async () => {
    await fault('POST', 'cloudvm/search', { kind: 'rate_limit', retryAfterSec: 0 }, () => p.verifyCredentials());
    await p.verifyCredentials();
    expect((await h.calls()).map((c) => c.fault)).toEqual(['rate_limit', null]);
  });

  it('retries a 500 on a read but never on a create', async () => {
    await fault('POST', 'cloudvm/search', { kind: 'http_error', status: 500 }, () => p.verifyCredentials());
    await p.verifyCredentials();
    expect(await h.calls()).toHaveLength(2);

    await fault('POST', 'cloudvm/create', { kind: 'http_error', status: 500 }, () =>
      p.createInstance({ name: 'cp-prime', spec, tags: {} }),
    );
    const err = await rejectionOf<ProviderError>(p.createInstance({ name: 'cp-500', spec, tags: {} }));
    expect(err).toMatchObject({ kind: 'unavailable', httpStatus: 500 });
    expect(await h.calls()).toHaveLength(1);
  });

  it('retries a rate-limited create, which the platform did not act on', async () => {
    await fault('POST', 'cloudvm/create', { kind: 'rate_limit', retryAfterSec: 0 }, () =>
      p.createInstance({ name: 'cp-prime', spec, tags: {} }),
    );
    const accepted = await p.createInstance({ name: 'cp-429', spec, tags: {} });
    expect(accepted.instanceId).toBeTruthy();
    expect((await p.listInstances({ name: 'cp-429' })).items).toHaveLength(1);
  });

  it('reads a refusal fault with the token code as auth, and one with "1" as invalid', async () => {
    await fault('POST', 'cloudvm/search', { kind: 'refuse', code: '1003', message: '令牌已过期' }, () =>
      p.verifyCredentials(),
    );
    expect(await rejectionOf(p.verifyCredentials())).toMatchObject({
      kind: 'auth',
      providerCode: '1003',
      providerMessage: '令牌已过期',
    });
    await fault('POST', 'cloudvm/search', { kind: 'refuse', code: '1', message: '参数错误' }, () =>
      p.verifyCredentials(),
    );
    expect(await rejectionOf(p.verifyCredentials())).toMatchObject({
      kind: 'invalid',
      providerCode: '1',
      providerMessage: '参数错误',
    });
  });

  it.each(['invalid_json', 'wrong_shape'])('calls a %s answer malformed', async (malformed) => {
    await fault('POST', 'cloudvm/search', { kind: 'malformed', malformed }, () => p.verifyCredentials());
    const err = await rejectionOf<ProviderError>(p.listInstances({}));
    expect(err.kind).toBe('malformed');
  });

  it('times out a create whose answer is lost, and the machine is there to be found by name', async () => {
    const { provider } = h.provider(undefined, { ...OPTIONS, timeoutMs: 300 });
    await fault('POST', 'cloudvm/create', { kind: 'lost_answer', holdMs: 0 }, () =>
      p.createInstance({ name: 'cp-prime', spec, tags: {} }),
    );
    const err = await rejectionOf<ProviderError>(provider.createInstance({ name: 'cp-lost-1', spec, tags: {} }));
    expect(['timeout', 'unavailable']).toContain(err.kind);
    const found = await provider.listInstances({ namePrefix: 'cp-lost-' });
    expect(found.items.map((m) => m.name)).toEqual(['cp-lost-1']);
    expect((await h.calls()).filter((c) => c.url.endsWith('/cloudvm/create'))).toHaveLength(1);
  });
});
