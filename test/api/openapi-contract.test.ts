/**
 * The document is the contract: for one operation of each resource, every
 * error status it lists is driven here (real Postgres and Redis, platforms
 * over HTTP at their simulators, a gateway whose database is unreachable for
 * 503), and every answer — success or problem — is checked against the
 * document's schema for that status and media type.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/providers/registry.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { accountAndTemplate, startH3c, type H3cHarness } from '../support/h3c.ts';
import { startDeadStoreApp, type DeadStoreApp } from '../support/dead-store-app.ts';
import { loadContract, type Answer } from '../support/openapi-conformance.ts';
import { simControl } from '../support/sim-control.ts';
import { BASE_OPTIONS, TOKEN_CREDENTIALS, startBridgx, type BridgxHarness } from '../providers/bridgx/harness.ts';

const contract = loadContract();
const BODY_LIMIT = 4096;
const LONG = 'a'.repeat(600);

let iso: Isolated;
let t: TestApp;
let dead: DeadStoreApp;
/** The same gateway with a limit of one request per key and minute. */
let limited: TestApp;
let h3c: H3cHarness;
let bx: BridgxHarness;
let h3cAccount: string;
let templateId: string;
let bridgxAccount: string;
let starAccount: string;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Send {
  key?: string | null;
  payload?: unknown;
  headers?: Record<string, string>;
  app?: 'live' | 'dead' | 'limited';
}

async function send(method: Method, url: string, opts: Send = {}): Promise<Answer> {
  const key = opts.key === undefined ? t.keys.admin : opts.key;
  const app = opts.app === 'dead' ? dead.app : opts.app === 'limited' ? limited.app : t.app;
  const res = await app.inject({
    method,
    url,
    headers: { ...(key ? t.auth(key) : {}), ...opts.headers },
    ...(opts.payload !== undefined ? { payload: opts.payload as string } : {}),
  });
  return { statusCode: res.statusCode, headers: res.headers, body: res.body };
}

/** Sends, checks the answer against the document, and asserts its status. */
async function expectAnswer(status: number, method: Method, template: string, url: string, opts: Send = {}) {
  const res = contract.conform(await send(method, url, opts), method, template);
  expect(res.statusCode, res.body).toBe(status);
  return res;
}

/** Platform faults on every call of a simulator, each answered as the document says. */
async function platformFaults(
  control: (m: 'POST' | 'DELETE', p: string, b?: unknown) => Promise<unknown>,
  op: string,
  method: Method,
  template: string,
  url: string,
  expected: Record<number, Record<string, unknown>>,
) {
  for (const [status, rule] of Object.entries(expected)) {
    await control('POST', '/faults', { op, ...rule });
    try {
      const res = await expectAnswer(Number(status), method, template, url);
      expect(JSON.parse(res.body).type).toMatch(/^\/problems\/provider-/);
    } finally {
      await control('DELETE', '/faults');
    }
  }
}

const PLATFORM_FAULTS = {
  404: { kind: 'refuse', status: 404, code: 'NotFound', message: 'no such thing' },
  409: { kind: 'refuse', status: 409, code: 'Conflict', message: 'busy' },
  502: { kind: 'http_error', status: 500 },
  503: { kind: 'rate_limit', retryAfterSec: 0 },
  504: { kind: 'timeout', holdMs: 10 },
};

beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  t = await startTestApp(iso);
  dead = await startDeadStoreApp(iso);
  limited = await startTestApp(iso, { rateLimit: { max: 1, windowMs: 60_000 } });
  h3c = await startH3c();
  bx = await startBridgx({ realClock: true, timing: { syncMs: 0 } });
  const made = await accountAndTemplate(t.call, h3c, 'contract');
  h3cAccount = made.account.id;
  templateId = made.template.id;
  const bridgx = await t.call('POST', '/v1/accounts', {
    name: 'contract-bridgx',
    provider: 'bridgx',
    endpoint: bx.baseUrl,
    credentials: TOKEN_CREDENTIALS,
    options: BASE_OPTIONS,
  });
  expect(bridgx.status).toBe(201);
  bridgxAccount = bridgx.body.id;
  // Never called: a platform without zones is refused before any call is made.
  const star = await t.call('POST', '/v1/accounts', {
    ...definitionOf('starvcenter')!.simulator.demoAccount('http://127.0.0.1:9'),
    provider: 'starvcenter',
    name: 'contract-star',
  });
  expect(star.status, JSON.stringify(star.body)).toBe(201);
  starAccount = star.body.id;
});

afterAll(async () => {
  await dead?.close();
  await limited?.close();
  await bx?.close();
  await h3c?.close();
  await t?.close();
  await iso?.close();
});

describe('accounts: DELETE /v1/accounts/{id}', () => {
  const T = '/v1/accounts/{id}';
  it('answers each documented status with its documented body', async () => {
    const spare = await t.call('POST', '/v1/accounts', h3c.account('contract-spare'));
    await expectAnswer(401, 'DELETE', T, `/v1/accounts/${spare.body.id}`, { key: null });
    await expectAnswer(403, 'DELETE', T, `/v1/accounts/${spare.body.id}`, { key: t.keys.write });
    await expectAnswer(404, 'DELETE', T, `/v1/accounts/${randomUUID()}`);
    await expectAnswer(409, 'DELETE', T, `/v1/accounts/${h3cAccount}`);
    await expectAnswer(414, 'DELETE', T, `/v1/accounts/${LONG}`);
    await expectAnswer(422, 'DELETE', T, '/v1/accounts/not-a-uuid');
    await expectAnswer(503, 'DELETE', T, `/v1/accounts/${spare.body.id}`, { app: 'dead' });
    // A bodyless DELETE that says its body is JSON is still a bodyless DELETE.
    await expectAnswer(204, 'DELETE', T, `/v1/accounts/${spare.body.id}`, {
      headers: { 'content-type': 'application/json' },
    });
  });
});

describe('templates: GET /v1/templates/{id}', () => {
  const T = '/v1/templates/{id}';
  it('answers each documented status with its documented body', async () => {
    await expectAnswer(200, 'GET', T, `/v1/templates/${templateId}`);
    await expectAnswer(401, 'GET', T, `/v1/templates/${templateId}`, { key: 'cp_not_a_key' });
    await expectAnswer(404, 'GET', T, `/v1/templates/${randomUUID()}`);
    await expectAnswer(414, 'GET', T, `/v1/templates/${LONG}`);
    await expectAnswer(422, 'GET', T, '/v1/templates/42');
    await expectAnswer(503, 'GET', T, `/v1/templates/${templateId}`, { app: 'dead' });
  });
});

describe('instances: POST /v1/instances/actions', () => {
  const T = '/v1/instances/actions';
  const url = '/v1/instances/actions';
  it('answers each documented status with its documented body', async () => {
    const body = { action: 'stop', ids: [randomUUID()] };
    const json = { 'content-type': 'application/json' };
    const ok = await expectAnswer(200, 'POST', T, url, { payload: body });
    expect(JSON.parse(ok.body).items[0]).toMatchObject({ ok: false, problem: { status: 404 } });
    await expectAnswer(400, 'POST', T, url, { payload: '{"action": "stop", ', headers: json });
    await expectAnswer(400, 'POST', T, url, { payload: '', headers: json });
    await expectAnswer(401, 'POST', T, url, { key: null, payload: body });
    await expectAnswer(403, 'POST', T, url, { key: t.keys.read, payload: body });
    const big = { action: 'stop', ids: Array.from({ length: 200 }, () => randomUUID()) };
    await expectAnswer(413, 'POST', T, url, { payload: big });
    await expectAnswer(415, 'POST', T, url, { payload: '<stop/>', headers: { 'content-type': 'text/xml' } });
    await expectAnswer(422, 'POST', T, url, { payload: { action: 'explode', ids: [] } });
    await expectAnswer(503, 'POST', T, url, { payload: body, app: 'dead' });
  });
});

describe('tasks: GET /v1/tasks/{id}', () => {
  const T = '/v1/tasks/{id}';
  it('answers each documented status with its documented body', async () => {
    const expand = await expectAnswer(202, 'POST', '/v1/templates/{id}/expand', `/v1/templates/${templateId}/expand`, {
      payload: { count: 1 },
    });
    const task = JSON.parse(expand.body) as { id: string };
    expect(expand.headers.location).toBe(`/v1/tasks/${task.id}`);
    await expectAnswer(200, 'GET', T, `/v1/tasks/${task.id}`);
    await expectAnswer(401, 'GET', T, `/v1/tasks/${task.id}`, { key: null });
    await expectAnswer(404, 'GET', T, `/v1/tasks/${randomUUID()}`);
    await expectAnswer(414, 'GET', T, `/v1/tasks/${LONG}`);
    await expectAnswer(422, 'GET', T, '/v1/tasks/zzz');
    await expectAnswer(503, 'GET', T, `/v1/tasks/${task.id}`, { app: 'dead' });
    // A bodyless POST with a JSON content type, on a route that takes no body.
    await expectAnswer(202, 'POST', '/v1/tasks/{id}/cancel', `/v1/tasks/${task.id}/cancel`, {
      headers: { 'content-type': 'application/json' },
    });
  });
});

describe('api-keys: DELETE /v1/api-keys/{id}', () => {
  const T = '/v1/api-keys/{id}';
  it('answers each documented status with its documented body', async () => {
    const { view } = await t.apiKeys.create('contract-spare', ['read']);
    await expectAnswer(401, 'DELETE', T, `/v1/api-keys/${view.id}`, { key: null });
    await expectAnswer(403, 'DELETE', T, `/v1/api-keys/${view.id}`, { key: t.keys.write });
    await expectAnswer(404, 'DELETE', T, `/v1/api-keys/${randomUUID()}`);
    await expectAnswer(414, 'DELETE', T, `/v1/api-keys/${LONG}`);
    await expectAnswer(422, 'DELETE', T, '/v1/api-keys/1');
    await expectAnswer(503, 'DELETE', T, `/v1/api-keys/${view.id}`, { app: 'dead' });
    await expectAnswer(200, 'DELETE', T, `/v1/api-keys/${view.id}`);
  });
});

describe('operations: GET /v1/providers/{kind}/operations', () => {
  const T = '/v1/providers/{kind}/operations';
  it('answers each documented status with its documented body', async () => {
    await expectAnswer(200, 'GET', T, '/v1/providers/h3c-cloudos/operations');
    await expectAnswer(401, 'GET', T, '/v1/providers/h3c-cloudos/operations', { key: null });
    await expectAnswer(414, 'GET', T, `/v1/providers/${LONG}/operations`);
    await expectAnswer(422, 'GET', T, '/v1/providers/no-such-cloud/operations');
    await expectAnswer(503, 'GET', T, '/v1/providers/h3c-cloudos/operations', { app: 'dead' });
  });
});

describe('usage: GET /v1/usage', () => {
  const T = '/v1/usage';
  const url = '/v1/usage?from=2026-03-01&to=2026-03-02';
  it('answers each documented status with its documented body', async () => {
    await expectAnswer(200, 'GET', T, url);
    await expectAnswer(401, 'GET', T, url, { key: null });
    await expectAnswer(422, 'GET', T, '/v1/usage?from=2026-03-02&to=2026-03-01');
    await expectAnswer(503, 'GET', T, url, { app: 'dead' });
    // The BridgX account's figures come from its platform's cost API.
    await platformFaults(bx.control, '*', 'GET', T, url, PLATFORM_FAULTS);
  });
});

describe('catalogs: GET /v1/accounts/{id}/zones', () => {
  const T = '/v1/accounts/{id}/zones';
  it('answers each documented status with its documented body', async () => {
    const url = `/v1/accounts/${h3cAccount}/zones?refresh=true`;
    await expectAnswer(200, 'GET', T, url);
    await expectAnswer(401, 'GET', T, url, { key: null });
    await expectAnswer(404, 'GET', T, `/v1/accounts/${randomUUID()}/zones`);
    await expectAnswer(414, 'GET', T, `/v1/accounts/${LONG}/zones`);
    await expectAnswer(422, 'GET', T, `/v1/accounts/${h3cAccount}/zones?refresh=maybe`);
    await expectAnswer(501, 'GET', T, `/v1/accounts/${starAccount}/zones`);
    await expectAnswer(503, 'GET', T, url, { app: 'dead' });
    await platformFaults(simControl(h3c.baseUrl), 'azones.list', 'GET', T, url, PLATFORM_FAULTS);
  });
});

describe('networks: GET /v1/vpcs/{id}', () => {
  const T = '/v1/vpcs/{id}';
  it('answers each documented status with its documented body', async () => {
    const list = await expectAnswer(200, 'GET', '/v1/vpcs', `/v1/vpcs?account=${bridgxAccount}`);
    const vpc = (JSON.parse(list.body) as { items: { id: string }[] }).items[0]!;
    const url = `/v1/vpcs/${encodeURIComponent(vpc.id)}?account=${bridgxAccount}`;
    await expectAnswer(200, 'GET', T, url);
    await expectAnswer(401, 'GET', T, url, { key: null });
    await expectAnswer(404, 'GET', T, `/v1/vpcs/no-such-vpc?account=${bridgxAccount}`);
    await expectAnswer(414, 'GET', T, `/v1/vpcs/${LONG}?account=${bridgxAccount}`);
    await expectAnswer(422, 'GET', T, `/v1/vpcs/${encodeURIComponent(vpc.id)}`);
    await expectAnswer(501, 'GET', T, `/v1/vpcs/x?account=${h3cAccount}`);
    await expectAnswer(503, 'GET', T, url, { app: 'dead' });
    const { 404: _gone, ...faults } = PLATFORM_FAULTS; // a VPC the platform does not know is a plain 404 above
    await platformFaults(bx.control, '*', 'GET', T, url, faults);
  });
});

describe('jobs: GET /v1/accounts/{id}/jobs/{jobId}', () => {
  const T = '/v1/accounts/{id}/jobs/{jobId}';
  it('answers each documented status with its documented body', async () => {
    const sync = await expectAnswer(
      202,
      'POST',
      '/v1/accounts/{id}/sync-networks',
      `/v1/accounts/${bridgxAccount}/sync-networks`,
      { payload: {} },
    );
    const url = String(sync.headers.location);
    await expectAnswer(200, 'GET', T, url);
    await expectAnswer(401, 'GET', T, url, { key: null });
    await expectAnswer(404, 'GET', T, `/v1/accounts/${randomUUID()}/jobs/1`);
    await expectAnswer(414, 'GET', T, `/v1/accounts/${bridgxAccount}/jobs/${'9'.repeat(600)}`);
    await expectAnswer(422, 'GET', T, '/v1/accounts/nope/jobs/1');
    await expectAnswer(501, 'GET', T, `/v1/accounts/${h3cAccount}/jobs/1`);
    await expectAnswer(503, 'GET', T, url, { app: 'dead' });
    // A sync job is known without a call; any other id is looked for in the platform's task list.
    const task = `/v1/accounts/${bridgxAccount}/jobs/4242`;
    expect(JSON.parse((await expectAnswer(404, 'GET', T, task)).body).type).toBe('/problems/provider-refused');
    await platformFaults(bx.control, '*', 'GET', T, task, PLATFORM_FAULTS);
  });
});

describe('answers the framework makes', () => {
  const problem = contract.doc.components.schemas.Problem;

  it('answers a known path asked with another method 405, naming the methods in Allow', async () => {
    const res = await send('PUT', '/v1/accounts');
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({
      type: '/problems/method-not-allowed',
      allowed: ['GET', 'HEAD', 'POST'],
    });
    expect(Object.keys(problem.properties)).toContain('allowed');
  });

  it('answers an unknown path 404 and a URL that is not validly encoded 400, as problems', async () => {
    const unknown = await send('GET', '/v1/nothing-here');
    expect([unknown.statusCode, JSON.parse(unknown.body).type]).toEqual([404, '/problems/not-found']);
    const bad = await send('GET', '/v1/accounts/%zz');
    expect([bad.statusCode, JSON.parse(bad.body).type]).toEqual([400, '/problems/malformed-request']);
  });

  it('answers headers too large for the server 431 as a problem, on the socket', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
      type: '/problems/header-fields-too-large',
      status: 431,
    });
  });
});

describe('rate limits: 429', () => {
  it('answers the request over a key’s limit 429 with Retry-After and the RateLimit headers, on every route', async () => {
    const routes: [Method, string, string, unknown?][] = [
      ['DELETE', '/v1/accounts/{id}', `/v1/accounts/${randomUUID()}`],
      ['GET', '/v1/templates/{id}', `/v1/templates/${templateId}`],
      ['POST', '/v1/instances/actions', '/v1/instances/actions', { action: 'stop', ids: [randomUUID()] }],
      ['GET', '/v1/tasks/{id}', `/v1/tasks/${randomUUID()}`],
      ['DELETE', '/v1/api-keys/{id}', `/v1/api-keys/${randomUUID()}`],
      ['GET', '/v1/providers/{kind}/operations', '/v1/providers/bridgx/operations'],
      ['GET', '/v1/usage', '/v1/usage?from=2026-03-01&to=2026-03-01'],
      ['GET', '/v1/accounts/{id}/zones', `/v1/accounts/${h3cAccount}/zones`],
      ['GET', '/v1/vpcs/{id}', `/v1/vpcs/x?account=${h3cAccount}`],
      ['GET', '/v1/accounts/{id}/jobs/{jobId}', `/v1/accounts/${h3cAccount}/jobs/1`],
    ];
    for (const [method, template, url, payload] of routes) {
      const { key } = await t.apiKeys.create(`limited-${template}`, ['admin']);
      const first = contract.conform(await send(method, url, { key, payload, app: 'limited' }), method, template);
      expect(first.headers.ratelimit, url).toMatch(/r=0/);
      const over = await expectAnswer(429, method, template, url, { key, payload, app: 'limited' });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.headers['ratelimit-policy']).toMatch(/q=1/);
    }
  });
});

describe('coverage', () => {
  it.each([
    ['DELETE', '/v1/accounts/{id}'],
    ['GET', '/v1/templates/{id}'],
    ['POST', '/v1/instances/actions'],
    ['GET', '/v1/tasks/{id}'],
    ['DELETE', '/v1/api-keys/{id}'],
    ['GET', '/v1/providers/{kind}/operations'],
    ['GET', '/v1/usage'],
    ['GET', '/v1/accounts/{id}/zones'],
    ['GET', '/v1/vpcs/{id}'],
    ['GET', '/v1/accounts/{id}/jobs/{jobId}'],
  ])('drove every error status the document lists for %s %s', (method, path) => {
    expect(contract.undriven(method, path)).toEqual([]);
  });
});
