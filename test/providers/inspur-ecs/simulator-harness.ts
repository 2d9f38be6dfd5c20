/**
 * Runs the Inspur ECS simulator on 127.0.0.1:0 on a manual clock and talks to it with a raw
 * undici client: the platform's wire as a client sees it (no adapter involved).
 */
import { request } from 'undici';
import {
  DEMO_TOKEN,
  createInspurEcsSimulator,
  type InspurEcsSimulatorOptions,
} from '../../../src/providers/inspur-ecs/simulator.ts';
import { createManualClock, startSimulator, type RunningSimulator } from '../../../src/sim/index.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Wire bodies are read loosely on purpose: each test asserts the exact shape it expects.
  json: any;
}

export interface CallOptions {
  /** Bearer token; null sends none. Default DEMO_TOKEN. */
  token?: string | null;
  headers?: Record<string, string>;
  /** A body sent as is, with its own content type. */
  raw?: { body: string; contentType: string };
}

export interface InspurSim {
  sim: RunningSimulator;
  call(method: Method, path: string, body?: unknown, opts?: CallOptions): Promise<Answer>;
  /** The control API (`/_sim…`), answering its JSON. */
  control(method: Method, path: string, body?: unknown): Promise<Answer>;
  advance(ms: number): Promise<void>;
  reset(seed?: number): Promise<void>;
  close(): Promise<void>;
}

export const DELAYS = {
  bootMs: 3000,
  startMs: 1000,
  stopMs: 1000,
  rebootMs: 500,
  deleteMs: 1000,
  imageQueueMs: 200,
  imageSaveMs: 2000,
  imageDeleteMs: 1000,
};

export async function startInspur(options: InspurEcsSimulatorOptions = {}): Promise<InspurSim> {
  const clock = createManualClock(Date.UTC(2024, 4, 1, 8, 0, 0));
  const { app } = createInspurEcsSimulator({ clock, seed: 5, config: { delays: DELAYS }, ...options });
  const sim = await startSimulator(app);

  const send = async (method: Method, path: string, body: unknown, opts: CallOptions): Promise<Answer> => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? DEMO_TOKEN : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (opts.raw) {
      headers['content-type'] = opts.raw.contentType;
      payload = opts.raw.body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await request(`${sim.baseUrl}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };

  return {
    sim,
    call: (method, path, body, opts = {}) => send(method, path, body, opts),
    control: (method, path, body) => send(method, `/_sim${path}`, body, { token: null }),
    advance: async (ms) => {
      await send('POST', '/_sim/clock', { advanceMs: ms }, { token: null });
    },
    reset: async (seed) => {
      await send('POST', '/_sim/reset', seed === undefined ? {} : { seed }, { token: null });
    },
    close: () => sim.close(),
  };
}

/** The envelope of a refusal: a dotted string code, a message, and data (null unless it names servers). */
export function refusalOf(a: Answer): { status: number; code: unknown; message: unknown; data: unknown } {
  return { status: a.status, code: a.json?.code, message: a.json?.message, data: a.json?.data };
}
