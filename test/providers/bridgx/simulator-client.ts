/**
 * A raw HTTP client for the BridgX simulator tests (undici, no adapter code): starts a
 * simulator on port 0 with a manual clock and speaks its wire and its control API.
 */
import { request } from 'undici';
import {
  type BridgxSimulator,
  type BridgxSimulatorOptions,
  DEMO_CLUSTER_SPEC,
  createBridgxSimulator,
} from '../../../src/providers/bridgx/simulator.ts';
import { type ManualClock, createManualClock, startSimulator } from '../../../src/sim/index.ts';

/** 2024-01-01 01:00 UTC = 09:00 in China, so a test day in +08:00 starts 8 h before. */
export const T0 = Date.UTC(2024, 0, 1, 1, 0, 0);

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface CallOptions {
  query?: Record<string, string | number>;
  body?: unknown;
  /** Sent as is, with this content type (or none). */
  raw?: { text: string; contentType?: string };
  /** null = no Authorization header (the default). */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface BxHarness {
  sim: BridgxSimulator;
  clock: ManualClock;
  baseUrl: string;
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', path: string, opts?: CallOptions): Promise<Answer>;
  get(path: string, query?: Record<string, string | number>, token?: string | null): Promise<Answer>;
  post(path: string, body: unknown, token?: string | null): Promise<Answer>;
  control(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Answer>;
  /** Moves the simulated clock (through the control API, as a test outside the process would). */
  advance(ms: number): Promise<void>;
  /** Creates a cluster on the demo network and returns its name. */
  cluster(name: string, extra?: Record<string, unknown>): Promise<string>;
  expand(cluster: string, count: number, name?: string): Promise<string>;
  shrink(cluster: string, count: number, ips?: string[]): Promise<string>;
  task(id: string): Promise<any>;
  machines(query?: Record<string, string | number>): Promise<any[]>;
  close(): Promise<void>;
}

export const PASSWORD = 'Cp-test-2024';

export async function startBridgx(options: BridgxSimulatorOptions = {}): Promise<BxHarness> {
  const clock = createManualClock(T0);
  const sim = createBridgxSimulator({
    clock,
    seed: 5,
    config: { delays: { bootMs: 3000, deleteMs: 1000 } },
    timing: { taskStartMs: 500, networkReadyMs: 1000 },
    ...options,
  });
  const running = await startSimulator(sim.app);

  const call: BxHarness['call'] = async (method, path, opts = {}) => {
    const url = new URL(path, running.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.raw) {
      body = opts.raw.text;
      if (opts.raw.contentType) headers['content-type'] = opts.raw.contentType;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };

  const h: BxHarness = {
    sim,
    clock,
    baseUrl: running.baseUrl,
    call,
    get: (path, query, token) => call('GET', path, { ...(query ? { query } : {}), token: token ?? null }),
    post: (path, body, token) => call('POST', path, { body, token: token ?? null }),
    control: (method, path, body) => call(method, `/_sim${path}`, body !== undefined ? { body } : {}),
    async advance(ms) {
      const r = await h.control('POST', '/clock', { advanceMs: ms });
      if (r.status !== 200) throw new Error(`clock: ${r.text}`);
    },
    async cluster(name, extra = {}) {
      const r = await h.post('/api/v1/cluster/create', { ...DEMO_CLUSTER_SPEC, name, password: PASSWORD, ...extra });
      if (r.json?.code !== 200) throw new Error(`cluster/create: ${r.text}`);
      return name;
    },
    async expand(cluster, count, name = 'expand') {
      const r = await h.post('/api/v1/cluster/expand', { cluster_name: cluster, task_name: name, count });
      return taskIdOf(r);
    },
    async shrink(cluster, count, ips) {
      const r = await h.post('/api/v1/cluster/shrink', {
        cluster_name: cluster,
        task_name: 'shrink',
        count,
        ...(ips ? { ips } : {}),
      });
      return taskIdOf(r);
    },
    async task(id) {
      const r = await h.get('/api/v1/task/list', { page_size: 50 });
      return r.json.data.task_list.find((t: any) => t.task_id === id);
    },
    async machines(query = {}) {
      const r = await h.get('/api/v1/instance/describe_all', { page_size: 50, ...query });
      if (r.json?.code !== 200) throw new Error(`describe_all: ${r.text}`);
      return r.json.data.instance_list;
    },
    close: () => running.close(),
  };
  return h;
}

/**
 * The task id of an expand/shrink answer, read from the raw text: it is a JSON number past
 * 2^53, which JSON.parse would round.
 */
export function taskIdOf(r: Answer): string {
  const m = /^\{"code":200,"msg":"success","data":(\d+)\}$/.exec(r.text);
  if (!m?.[1]) throw new Error(`not a task answer: ${r.status} ${r.text}`);
  return m[1];
}

export const PARAM_INVALID = { code: 400, msg: 'param_invalid', data: null };
