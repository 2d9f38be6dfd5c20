/**
 * The document's codes the simulator only says when told to (operation failed, image update
 * and delete failures, a failed image create), a parameter the platform refuses, and what a
 * gateway or the network does: retries follow the envelope verdict and the call's idempotency.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_IMAGES } from '../../../src/providers/inspur-ecs/simulator.ts';
import { rejection, serverId, startInspur, type InspurHarness } from './harness.ts';

let h: InspurHarness;
let p: Provider;
const RUNNING = serverId(1);
const STOPPED = serverId(2);
const PRIVATE = DEMO_IMAGES.find((i) => i.visibility === 'private')!.id;

const fault = (rule: Record<string, unknown>) => h.control('POST', '/faults', rule);
const run = (name: string, input: unknown) => p.runOperation(name, input);

beforeAll(async () => {
  h = await startInspur({
    servers: [
      { id: RUNNING, name: 'cp-run' },
      { id: STOPPED, name: 'cp-off', state: 'stopped' },
    ],
  });
  ({ provider: p } = h.provider());
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('codes the document lists, told by the platform', () => {
  it('surfaces "operation failed" (001040) on an action as unavailable, sent once', async () => {
    await fault({ op: 'servers.start', kind: 'refuse', status: 400, code: '101.001040', message: '操作失败' });
    const err = await rejection(p.startInstance(STOPPED));
    expect(err).toMatchObject({ kind: 'unavailable', providerCode: '101.001040', providerMessage: '操作失败' });
    expect((await h.counts())['servers.start']).toBe(1);
  });

  it('reads again after "operation failed" on a read, which is safe to repeat', async () => {
    await fault({ op: 'servers.get', kind: 'refuse', status: 400, code: '101.001040', message: '操作失败', times: 1 });
    expect(await p.getInstance(RUNNING)).toMatchObject({ providerId: RUNNING, status: 'running' });
    expect((await h.counts())['servers.get']).toBe(2);
  });

  it('refuses a parameter the platform rejects (001002) as invalid, with its message', async () => {
    const err = await rejection(run('servers.search', { sortField: 'bogus' }));
    expect(err).toMatchObject({ kind: 'invalid', httpStatus: 400 });
    expect(err.providerCode?.endsWith('001002')).toBe(true);
    expect(err.providerMessage).toMatch(/^参数.+不符合规范$/);
  });

  it.each([
    ['images.update', '101.003005', '更新镜像失败', { imageId: PRIVATE, name: 'x' }],
    ['images.delete', '101.003006', '删除镜像失败', { imageId: PRIVATE }],
  ] as const)(
    'surfaces %s failing (%s, HTTP 500) after the retries an idempotent call gets',
    async (op, code, message, input) => {
      await fault({ op, kind: 'http_error', status: 500, code, message });
      const err = await rejection(run(op, input));
      expect(err).toMatchObject({ kind: 'unavailable', providerCode: code, providerMessage: message, httpStatus: 500 });
      expect((await h.counts())[op]).toBe(4);
    },
  );

  it('surfaces a failed image create (101.003007), sent once', async () => {
    await fault({
      op: 'servers.create_image',
      kind: 'refuse',
      status: 400,
      code: '101.003007',
      message: '创建自定义镜像失败',
    });
    const err = await rejection(run('images.create_from_server', { serverId: RUNNING, name: 'x', description: '' }));
    expect(err).toMatchObject({
      kind: 'unavailable',
      providerCode: '101.003007',
      providerMessage: '创建自定义镜像失败',
    });
    expect((await h.counts())['servers.create_image']).toBe(1);
  });

  it('reports every image of a batch delete failing (101.003006) as a refusal', async () => {
    const err = await rejection(run('images.batch_delete', { imageIds: ['20000000-0000-4000-8000-000000000999'] }));
    expect(err).toMatchObject({ kind: 'unavailable', providerCode: '101.003006', httpStatus: 500 });
    expect((await h.counts())['images.batch_delete']).toBe(1);
  });
});

describe('gateway and network failures', () => {
  it('waits out a throttled list and then reads it', async () => {
    await fault({ op: 'servers.list', kind: 'rate_limit', retryAfterSec: 0, times: 1 });
    expect((await p.listInstances({})).items).toHaveLength(2);
    expect((await h.counts())['servers.list']).toBe(2);
  });

  it('reads an answer that is not JSON, or not the documented shape, as malformed', async () => {
    await fault({ op: 'servers.get', kind: 'malformed', malformed: 'invalid_json', times: 4 });
    expect((await rejection(p.getInstance(RUNNING))).kind).toBe('malformed');
    await h.control('DELETE', '/faults');
    await fault({ op: 'servers.list', kind: 'malformed', malformed: 'wrong_shape', times: 1 });
    expect((await rejection(p.listInstances({}))).kind).toBe('malformed');
  });

  it('does not send a stop again when its answer is lost; the status shows it happened', async () => {
    const { provider } = h.provider(undefined, { timeoutMs: 300 });
    await fault({ op: 'servers.stop', kind: 'lost_answer', times: 1 });
    const err = await rejection(provider.stopInstance(RUNNING));
    expect(['timeout', 'unavailable']).toContain(err.kind);
    expect((await h.counts())['servers.stop']).toBe(1);
    expect(await provider.getInstance(RUNNING)).toMatchObject({ status: 'stopping' });
  });

  it('fails a batch refused for a reason that names no server as a whole, with no single calls', async () => {
    await fault({
      op: 'servers.batch_start',
      kind: 'refuse',
      status: 400,
      code: '101.001002',
      message: '参数servers不符合规范',
    });
    const err = await rejection(p.batchAction('start', [STOPPED]));
    expect(err).toMatchObject({ kind: 'invalid', providerCode: '101.001002' });
    expect((await h.counts())['servers.start']).toBeUndefined();
  });
});
