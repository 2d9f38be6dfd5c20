/**
 * A raw StarVCenter client for the simulator tests: builds the Base64 KEY_PARAM form by hand and
 * decodes the Base64 envelope, so the tests read the wire the way the document describes it and
 * never through the adapter.
 */
import { request } from 'undici';
import {
  DEMO_BASE_PATH,
  DEMO_NETWORKS,
  DEMO_TENANT,
  type StarVCenterSimulatorOptions,
  createStarVCenterSimulator,
} from '../../../src/providers/starvcenter/simulator.ts';
import { type ManualClock, type RunningSimulator, createManualClock, startSimulator } from '../../../src/sim/index.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface WireAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body (Base64 text for envelope answers). */
  text: string;
  /** The decoded envelope, when the body is Base64 of a JSON object. */
  env: any;
}

export interface CallOptions {
  token?: string | null;
  /** Send this exact KEY_PARAM value instead of encoding `params`. */
  keyParam?: string;
  /** Send this exact body (with `contentType`). */
  body?: string;
  contentType?: string;
}

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

export function decode(text: string): any {
  try {
    const json = Buffer.from(text, 'base64').toString('utf8');
    const value = JSON.parse(json);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** 2024-05-01 10:00:00 in +08:00. */
export const START = Date.UTC(2024, 4, 1, 2, 0, 0);

export const DELAYS = { bootMs: 3000, startMs: 1000, stopMs: 1000, rebootMs: 500, deleteMs: 1000, jobMs: 2000 };

export interface Harness {
  clock: ManualClock;
  sim: RunningSimulator;
  call(method: Method, path: string, params?: unknown, opts?: CallOptions): Promise<WireAnswer>;
  /** Calls that must succeed: the decoded envelope. */
  ok(method: Method, path: string, params?: unknown, token?: string): Promise<any>;
  ctl(method: Method, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  advance(ms: number): void;
  /** Back to the seeded state at START (the manual clock is set back too). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: StarVCenterSimulatorOptions = {}): Promise<Harness> {
  const clock = createManualClock(START);
  const app = createStarVCenterSimulator({ clock, seed: 7, config: { delays: DELAYS }, ...options }).app;
  const sim = await startSimulator(app);
  const base = `${sim.baseUrl}${DEMO_BASE_PATH}`;

  const call: Harness['call'] = async (method, path, params, opts = {}) => {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? DEMO_TENANT.token : opts.token;
    if (token !== null) headers.KEY_TOKEN = token;
    let body: string | undefined = opts.body;
    if (body === undefined && (params !== undefined || opts.keyParam !== undefined)) {
      body = new URLSearchParams({ KEY_PARAM: opts.keyParam ?? b64(params) }).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (opts.contentType) headers['content-type'] = opts.contentType;
    const res = await request(`${base}/${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, env: decode(text) };
  };

  const ok: Harness['ok'] = async (method, path, params, token) => {
    const r = await call(method, path, params, token ? { token } : {});
    if (r.status !== 200 || r.env?.result !== '0')
      throw new Error(`${method} ${path} failed: ${r.status} ${JSON.stringify(r.env ?? r.text)}`);
    return r.env;
  };

  const ctl: Harness['ctl'] = async (method, path, body) => {
    const res = await request(`${sim.baseUrl}/_sim${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  };

  const reset = async () => {
    clock.set(START);
    await ctl('POST', '/reset', {});
  };

  return { clock, sim, call, ok, ctl, advance: (ms) => clock.advance(ms), reset, close: () => sim.close() };
}

export const APP_NET = DEMO_NETWORKS[0]!.id;

/** Create fields of one small VM from a model on the demo app network. */
export function vmSpec(name: string, extra: Record<string, unknown> = {}) {
  return {
    'vm.name': name,
    'vm.tenant.model': 'centos-7-9',
    'vm.vcpu.num': '2',
    'vm.memory.mem': '4096',
    'vnic.portgroupid': APP_NET,
    ...extra,
  };
}

/** Creates one VM and returns its id (still installing). */
export async function createVm(h: Harness, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const env = await h.ok('POST', 'cloudvm/create', vmSpec(name, extra));
  return env.data[0]['vm.id'];
}

/** Creates one VM and lets it finish installing. */
export async function runningVm(h: Harness, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const id = await createVm(h, name, extra);
  h.advance(DELAYS.bootMs);
  return id;
}

export async function vmState(h: Harness, id: string): Promise<string | undefined> {
  const r = await h.call('GET', `cloudvm/${id}`);
  return r.env?.result === '0' ? r.env.data['vm.state'] : undefined;
}

/** A refusal in the document's shape: HTTP 200, result "1", a reason. */
export function expectRefusal(r: WireAnswer, pattern?: RegExp): void {
  if (r.status !== 200 || r.env?.result !== '1' || typeof r.env.resultinfo !== 'string')
    throw new Error(`expected a refusal, got ${r.status} ${JSON.stringify(r.env ?? r.text)}`);
  if (Object.keys(r.env).sort().join(',') !== 'result,resultinfo')
    throw new Error(`refusal has extra keys: ${JSON.stringify(r.env)}`);
  if (pattern && !pattern.test(r.env.resultinfo)) throw new Error(`"${r.env.resultinfo}" does not match ${pattern}`);
}
