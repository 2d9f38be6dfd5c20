/**
 * What the BridgX simulator's route modules share: the engine, BridgX's own records (clusters,
 * machines, tasks, counters), timing, the caller of a request and the refusal helper.
 * The records are cleared in place on a reset, so a module may keep a reference to them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimEngine, SimInstance } from '../../sim/index.ts';
import type { BxAccountSeed, BxCatalogSeed, BxOrgSeed, BxProvider } from './simulator-seed.ts';
import { sendRefusal } from './simulator-wire.ts';

const Ms = z.number().int().min(0).max(86_400_000);

/** Platform timings beside the engine's boot and delete delays (A27, A20). */
export const BxTiming = z.object({
  /** A task waits this long in INIT before it starts (and behind any earlier task of its cluster). */
  taskStartMs: Ms,
  /** A started task runs at least this long, even when its machines are done sooner. */
  taskMinMs: Ms,
  /** A created VPC or switch is `Pending` this long, then `Available`. */
  networkReadyMs: Ms,
  /** A region sync lands this long after the call (0: before the answer, as the catalog recommends). */
  syncMs: Ms,
});
export type BxTiming = z.infer<typeof BxTiming>;
export const BxTimingPatch = BxTiming.partial().strict();
export type BxTimingPatch = z.infer<typeof BxTimingPatch>;

export const DEFAULT_TIMING: BxTiming = { taskStartMs: 500, taskMinMs: 0, networkReadyMs: 1000, syncMs: 0 };

export interface BxAccount extends BxAccountSeed {
  org: string;
}

export interface BxDisk {
  category: string;
  size: number;
}

export interface BxCluster {
  clusterId: string;
  org: string;
  name: string;
  provider: BxProvider;
  account: string;
  region: string;
  zone: string;
  instanceType: string;
  image: string;
  vpcId: string;
  subnetId: string;
  subnetCidr: string;
  securityGroupId: string;
  internetChargeType: string | null;
  bandwidthOut: number;
  chargeType: 'PostPaid' | 'PrePaid';
  systemDisk: BxDisk;
  dataDisks: BxDisk[];
  desc: string;
  tags: string | null;
  createdAt: number;
  createdBy: string;
}

/** One power-on interval of a machine: a usage record of the cost API (A33). */
export interface BxInterval {
  id: number;
  start: number;
  end: number | null;
}

export interface BxMachine {
  id: string;
  org: string;
  cluster: BxCluster;
  taskId: bigint;
  ipInner: string;
  ipOuter: string;
  createdAt: number;
  /** When it first ran (for the list's `startup_time`, A31). */
  runningAt: number | null;
  /** When it was gone (status `Deleted`). */
  deletedAt: number | null;
  /** When it left `Pending` (boot done or failed), and whether it was then running: an expand's progress. */
  settledAt: number | null;
  settledOk: boolean;
  intervals: BxInterval[];
  /** The engine's record; kept after the engine drops it, so its last deadline stays readable. */
  inst: SimInstance;
}

export type BxTaskAction = 'EXPAND' | 'SHRINK';

export interface BxTask {
  id: bigint;
  org: string;
  cluster: BxCluster;
  action: BxTaskAction;
  name: string;
  count: number;
  /** Private IPs named by a shrink (null: random victims, A29). */
  ips: string[] | null;
  /** Machines this task will fail on purpose (control API, A36). */
  failures: number;
  createdAt: number;
  startAt: number | null;
  finishAt: number | null;
  outcome: 'SUCCESS' | 'FAILED' | null;
  machineIds: string[];
  victims: string[];
  failedIds: string[];
  /** Machines a shrink could not find at start (gone meanwhile); they fail the task. */
  shortfall: number;
}

export interface BxFailureRule {
  failures: number;
  action?: BxTaskAction | undefined;
  cluster?: string | undefined;
}

export interface BxState {
  accounts: Map<string, BxAccount>;
  clusters: Map<string, BxCluster>;
  machines: Map<string, BxMachine>;
  tasks: BxTask[];
  failureRules: BxFailureRule[];
  /** Region syncs still in flight (A20). */
  syncs: Array<{ org: string; account: string; region: string; at: number }>;
  requireToken: boolean;
  timing: BxTiming;
  counters: { cluster: number; row: number; usage: number; publicIp: number; task: bigint };
}

export interface BxCaller {
  org: string;
  /** '' when the call carried no token. */
  user: string;
}

export interface BxContext {
  engine: SimEngine;
  state: BxState;
  orgs: BxOrgSeed[];
  catalog: BxCatalogSeed;
  clusterMachineLimit: number;
  caller(req: FastifyRequest): BxCaller;
  /** Sends a refusal in the envelope, with the HTTP status the simulator is set to use (A2). */
  fail(reply: FastifyReply, code?: 400 | 401): FastifyReply;
}

export function clusterKey(org: string, name: string): string {
  return `${org}\u0000${name}`;
}

export function emptyState(requireToken: boolean, timing: BxTiming, taskIdStart: bigint): BxState {
  return {
    accounts: new Map(),
    clusters: new Map(),
    machines: new Map(),
    tasks: [],
    failureRules: [],
    syncs: [],
    requireToken,
    timing: { ...timing },
    counters: { cluster: 0, row: 0, usage: 0, publicIp: 0, task: taskIdStart },
  };
}

/** Puts `next` into `state` in place (a reset keeps the object every module holds). */
export function replaceState(state: BxState, next: BxState): void {
  Object.assign(state, next);
}

export function makeFail(refusalStatus: 'mirror' | 'ok') {
  return (reply: FastifyReply, code: 400 | 401 = 400): FastifyReply =>
    sendRefusal(reply, refusalStatus === 'ok' ? 200 : code, code);
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/** The region part Alibaba ids carry (`m5e` Qingdao, `2ze` Beijing, `bp1` Hangzhou). */
const REGION_CODE: Record<string, string> = { 'cn-qingdao': 'm5e', 'cn-beijing': '2ze', 'cn-hangzhou': 'bp1' };

/** A cloud id in the document's Alibaba shape: prefix, region code, lowercase base36 (A16). */
export function cloudId(engine: SimEngine, prefix: 'vpc-' | 'vsw-' | 'sg-' | 'i-', region: string, length: number) {
  const rnd = engine.random('ids');
  let out = REGION_CODE[region] ?? 'uf6';
  while (out.length < length) out += BASE36[rnd.int(0, 35)];
  return `${prefix}${out}`;
}
