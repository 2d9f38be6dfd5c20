/**
 * A single create is as safe as a task's: a lost answer is reconciled by the machine's marker
 * before the client is answered, a retry under the same Idempotency-Key reconciles instead of
 * creating, a machine nobody could answer for joins its template when a sync sees it (and shrinks
 * like any member), and a machine that fails carries the platform's own fault text. A proxy's HTML
 * error page reaches the client as its words only.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startScaling, type Scaling } from '../support/scaling.ts';

let iso: Isolated;
let s: Scaling;

const creates = () => s.sim.engine.calls.count('servers.create');
/** The simulator's machines with this name, wherever they are in their life. */
const onPlatform = (name: string) => s.sim.engine.instances.all().filter((i) => i.name === name);
/** The create acts but its answer never arrives (the account's 1 s timeout ends the wait). */
const loseNextCreateAnswer = () => s.sim.engine.faults.add({ op: 'servers.create', kind: 'lost_answer', times: 1 });
/** The next list fails on every attempt the HTTP client makes (1 + 3 retries). */
const failNextList = () => s.sim.engine.faults.add({ op: 'servers.list_detail', kind: 'http_error', times: 4 });

beforeAll(async () => {
  iso = await isolate();
  s = await startScaling(iso, { accountOptions: { timeoutMs: 1_000 } });
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});
beforeEach(() => {
  s.sim.engine.faults.clear();
  s.sim.engine.calls.reset();
});

describe('a single create whose answer is lost', () => {
  it('is reconciled by its marker before the client is answered: one machine, 202', async () => {
    loseNextCreateAnswer();
    const res = await s.call('POST', '/v1/instances', { templateId: s.templateId }, { 'idempotency-key': 'lost-1' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ templateId: s.templateId, name: expect.stringMatching(/^group-[0-9a-f]{8}$/) });
    expect(creates()).toBe(1);
    expect(onPlatform(res.body.name)).toHaveLength(1);
  });

  it('answers mayHaveActed when it cannot tell yet, and a retry under the same key makes no second machine', async () => {
    loseNextCreateAnswer();
    failNextList();
    const key = { 'idempotency-key': 'lost-2' };
    const first = await s.call('POST', '/v1/instances', { templateId: s.templateId }, key);
    // The simulator drops the connection: a reset (502) or, on a slow machine, the timeout (504).
    expect([502, 504]).toContain(first.status);
    expect(first.body).toMatchObject({
      type: expect.stringMatching(/^\/problems\/provider-(failed|timeout)$/),
      provider: 'h3c-cloudos',
      mayHaveActed: true,
      retryable: false,
      retryWithSameIdempotencyKey: true,
      marker: expect.stringMatching(/^group-/),
    });
    expect(first.body.detail).toMatch(/same Idempotency-Key/);
    const marker = first.body.marker as string;
    expect(onPlatform(marker)).toHaveLength(1);

    // 1. The retry looks for the marker first and finds the machine the first attempt made.
    const retry = await s.call('POST', '/v1/instances', { templateId: s.templateId }, key);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ name: marker, templateId: s.templateId });
    // 2. A third try is a plain replay of that answer.
    const again = await s.call('POST', '/v1/instances', { templateId: s.templateId }, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(retry.body.id);
    expect(creates()).toBe(1);
    expect(onPlatform(marker)).toHaveLength(1);
  });

  it('without a key: the machine joins its template at the next sync, and a shrink removes it', async () => {
    loseNextCreateAnswer();
    failNextList();
    const lost = await s.call('POST', '/v1/instances', { templateId: s.templateId });
    expect(lost.body).toMatchObject({ mayHaveActed: true, retryWithSameIdempotencyKey: false });
    const marker = lost.body.marker as string;
    expect(await s.t.prisma.instance.count({ where: { name: marker } })).toBe(0);

    // 1. A sync records it, as a member of the template its tag names.
    const listed = await s.call('GET', `/v1/instances?template=${s.templateId}&refresh=true`);
    const adopted = listed.body.items.find((i: { name: string }) => i.name === marker);
    expect(adopted).toMatchObject({ templateId: s.templateId });

    // 2. A shrink of the template removes it from the platform.
    s.worker();
    const shrink = await s.call('POST', `/v1/templates/${s.templateId}/shrink`, { instanceIds: [adopted.id] });
    expect(shrink.status).toBe(202);
    expect(await s.waitForTask(shrink.body.id)).toMatchObject({ status: 'succeeded', counts: { succeeded: 1 } });
    expect(onPlatform(marker)).toHaveLength(0);
  });
});

describe("a machine that fails carries the platform's words", () => {
  it("an expand item that reached ERROR keeps Nova's fault message", async () => {
    s.worker();
    s.sim.engine.configure({ createErrorRate: 1 });
    try {
      const expand = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 });
      expect((await s.waitForTask(expand.body.id)).status).toBe('failed');
      const items = (await s.call('GET', `/v1/tasks/${expand.body.id}/instances`)).body.items;
      expect(items[0]).toMatchObject({
        state: 'failed',
        errorMessage: 'the machine went to ERROR: No valid host was found. There are not enough hosts available.',
      });
    } finally {
      s.sim.engine.configure({ createErrorRate: 0 });
    }
  });
});

describe('an HTML error page from a proxy in front of the platform', () => {
  let proxy: Server;
  let status = 400;
  const PAGE = `<html><head><title>Forbidden</title><style>h1{}</style></head><body><h1>Access denied</h1><p>by the gateway &amp; its rules</p></body></html>`;

  beforeAll(async () => {
    const upstream = new URL(s.sim.baseUrl);
    proxy = createServer((req, res) => {
      if (req.method === 'POST' && /\/servers$/.test(req.url ?? '')) {
        req.resume();
        res.writeHead(status, { 'content-type': 'text/html' }).end(PAGE);
        return;
      }
      const out = request(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => (res.writeHead(up.statusCode ?? 502, up.headers), up.pipe(res)),
      );
      req.pipe(out);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('reaches the client as its words, markup stripped', async () => {
    const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const account = await s.call('POST', '/v1/accounts', { ...s.sim.account('behind-proxy'), endpoint });
    status = 400;
    const res = await s.call('POST', '/v1/instances', { accountId: account.body.id, spec: s.spec });
    expect(res.status).toBe(422);
    expect(res.body.providerMessage).toBe('Forbidden Access denied by the gateway & its rules');
    expect(res.raw).not.toMatch(/<html|<h1|h1\{\}/);
  });
});
