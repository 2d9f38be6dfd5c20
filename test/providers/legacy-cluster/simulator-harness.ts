/**
 * Runs the legacy cluster simulator on 127.0.0.1:0 with a manual clock and speaks its wire
 * with a raw undici client (never the adapter): every call sends the documented
 * `Content-type: application/json` unless told otherwise.
 */
import { request } from 'undici';
import {
  type LegacyClusterSimulator,
  type LegacyClusterSimulatorOptions,
  createLegacyClusterSimulator,
} from '../../../src/providers/legacy-cluster/simulator.ts';
import { type ManualClock, type RunningSimulator, createManualClock, startSimulator } from '../../../src/sim/index.ts';

/** 2017-08-02 17:52:29 at UTC+08:00, the document's first machine-count sample. */
export const START = Date.UTC(2017, 7, 2, 9, 52, 29);
export const DELAYS = { bootMs: 3000, startMs: 1000, stopMs: 1000, rebootMs: 1000, deleteMs: 2000 };

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface CallOptions {
  body?: unknown;
  /** Sent as is (not JSON-encoded). */
  raw?: string;
  headers?: Record<string, string>;
  /** Content type; null sends none. */
  contentType?: string | null;
  correlationId?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface LegacyHarness {
  sim: LegacyClusterSimulator;
  server: RunningSimulator;
  clock: ManualClock;
  call(method: Method, path: string, opts?: CallOptions): Promise<Answer>;
  control(method: Method, path: string, body?: unknown): Promise<Answer>;
  advance(ms: number): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startLegacy(options: LegacyClusterSimulatorOptions = {}): Promise<LegacyHarness> {
  const clock = createManualClock(START);
  const sim = createLegacyClusterSimulator({ clock, seed: 5, config: { delays: DELAYS }, ...options });
  const server = await startSimulator(sim.app);
  const call: LegacyHarness['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const type = opts.contentType === undefined ? 'application/json' : opts.contentType;
    if (type !== null) headers['content-type'] = type;
    if (opts.correlationId !== undefined) headers['x-correlation-id'] = opts.correlationId;
    const body = opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    const res = await request(`${server.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  const control: LegacyHarness['control'] = (method, path, body) =>
    call(method, `/_sim${path}`, body === undefined ? { contentType: null } : { body });
  return {
    sim,
    server,
    clock,
    call,
    control,
    advance: async (ms) => {
      await control('POST', '/clock', { advanceMs: ms });
    },
    reset: async () => {
      clock.set(START);
      await control('POST', '/reset', {});
    },
    close: () => server.close(),
  };
}

/** A template body as the document's create example sends it, valid against the seeded Aliyun driver. */
export function templateBody(over: Record<string, unknown> = {}) {
  return {
    Id: 0,
    Name: '1Core1G经典网',
    Provider: 'aliyun',
    Cpu: 1,
    Ram: 1,
    InstanceType: 'ecs.n1.tiny',
    ImageId: 'centos7u2_64_40G_cloudinit_20160728.raw',
    Network: {
      Id: 0,
      VpcId: '',
      SubnetId: '',
      SecurityGroup: '',
      InternetChargeType: 'PayByBandwidth',
      InternetMaxBandwidthOut: 5,
    },
    Zone: { Id: 0, RegionName: 'cn-beijing', ZoneName: 'cn-beijing-c' },
    Replication: null,
    SystemDiskCategory: 'cloud_efficiency',
    DataDiskSize: 100,
    DataDiskNum: 1,
    DataDiskCategory: 'cloud_efficiency',
    FlavorId: '',
    ...over,
  };
}

/** A machine body as op 8's example sends it. */
export function instanceBody(over: Record<string, unknown> = {}) {
  const { Id: _id, Name: _name, Cpu: _cpu, Ram: _ram, Replication: _r, FlavorId: _f, ...rest } = templateBody();
  return { ...rest, InstanceType: 'ecs.c2.medium', ...over };
}

export const envelope = (code: number, msg: string | null, content: unknown = null, ext: unknown = null) => ({
  code,
  msg,
  content,
  ext,
});
