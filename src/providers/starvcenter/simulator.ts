/**
 * StarVCenter simulator: a Fastify app speaking the multi-tenant cloud-resource wire of the
 * StarVCenter document (seed 002, catalog ../shared/providers/starvcenter.md) on the shared sim
 * engine: all 92 operations under `/starvcenter/services/cloudresource`, KEY_TOKEN auth,
 * Base64 KEY_PARAM forms in and Base64 envelopes out, VMs with the Appendix 1 states, async
 * jobs answered with `startid`/`jobstartid`, and every other resource (networks, disks, NICs,
 * backups, snapshots, monitoring, routers, mappings, quotas, SLBs, hosts, alarms, storage,
 * security groups) in generic per-resource stores. An independent reading of the document: it
 * imports nothing of the adapter.
 *
 * Ambiguities of the document and the choice made here (A<n>; route modules tag theirs):
 * A1  Paths: BaseURL's path `/starvcenter/services/cloudresource` (L7), case-sensitive, no trailing
 *     slash. The typo paths are served corrected only: `cloudslb/modify`, `cloudsegroup/vnic/unbind`.
 * A2  Outside the envelope (a servlet container speaking): unknown path → HTTP 404, a path served for
 *     other methods → 405 with `Allow` (JAX-RS picks the most literal path, then the method, so
 *     `DELETE cloudvm/model` is 405), a body that is not a form → 415; all with empty/plain bodies.
 * A3  `KEY_TOKEN` header = a tenant token issued out of band (D6): seeded static tokens, plus the
 *     control API's. Missing, unknown, expired or revoked → `{"result":"1003",…}` at HTTP 200,
 *     checked before KEY_PARAM is read.
 * A4  Answers: the whole envelope is Base64 (standard alphabet, `=` padded, one line) of its UTF-8
 *     JSON, sent as `text/plain; charset=UTF-8`; refusals too.
 * A5  KEY_PARAM is read like Java's basic decoder: standard alphabet only (a `+` sent unescaped
 *     arrives as a space and fails), padding optional; bytes must be UTF-8; the JSON must be an
 *     object. Each failure → result "1" naming it.
 * A6  Scalars may be JSON strings, numbers or booleans; values are trimmed; "" counts as absent.
 *     Booleans are `true`/`false` in any case.
 * A7  Bodies are `application/x-www-form-urlencoded`; the first KEY_PARAM wins; a POST/PUT without
 *     one reads `{}`; GET and DELETE read no body.
 * A8  Incoming key names lose all whitespace (D8); a key with the document's stray `*` is not the
 *     field (so the required field is missing); unknown keys are ignored.
 * A9  Result codes: "0" success, "1" every refusal (validation, not found, state, lock, quota),
 *     "1003" token; `resultinfo` is an English sentence naming the parameter or resource.
 * A10 Answer values are strings, except quota figures (numbers, L2849ff) and `dataCount` (a
 *     number); `startid`/`jobstartid` are numeric strings from one counter starting at 100001.
 * A11 Async = the 5 marked operations plus the 13 that return a task id (D2): 18 in all. No task
 *     log is served (D1): a job shows only in the resource it changes; its Appendix 4 code is kept
 *     for the control API. Operations with a job fault rule fail or hang (see simulator-control.ts).
 * A12 `vm.state`: a create shows 3 (from a model) or 4 (from a template) for `bootMs`, then 1
 *     (auto-started, D37); a failed create ends in -2. There are no transitional codes: a VM shows
 *     0 while starting, 1 while stopping or rebooting, and its last code while being deleted; once
 *     deleted, `GET cloudvm/{id}` answers result "1". Forced states 2 (sleeping) and -1 (fault
 *     check) come only from the control API.
 * A13 Paging: `page.startnum` is a 1-based page number, `page.everypagenum` 1–30; other values →
 *     "1"; a page past the end is `[]` with the right `dataCount`.
 * A14 No paging fields → everything; one alone → page 1 / 30 a page for the missing one; searches
 *     that take paging always answer `dataCount`; searches documented with required paging
 *     (sharenet, acessrule, alarms unless `isfindPage`) refuse without it.
 * A15 "Fuzzy" filters are case-insensitive substrings; every other filter is exact.
 * A16 Times are `yyyy-MM-dd HH:mm:ss` in +08:00 (the alarm filters' format) from the sim clock.
 * A17 Lock codes (Appendix 2) are internal (D23): 12/13 while creating, 7 starting or rebooting,
 *     8 stopping, 3–6 during backup/snapshot jobs, any code via the control API. A locked VM
 *     refuses power, resize, disk, NIC, backup/snapshot and guest-agent operations; delete,
 *     rename, VNC password, firewall switch, mappings and reads still work.
 * A18 Delete works in every state but an ongoing delete (a stuck create must be removable); it
 *     cancels the VM's running jobs (task code 7) and frees its NICs, disks, backups, snapshots,
 *     mappings and rules when it ends.
 * A19 Start needs state 0 or 2; destroy (power off, D34) needs 1; shutdown and restart need 1 and
 *     the guest agent. Starting a running VM or stopping a stopped one is refused, not a no-op.
 * A20 `vm.shutdown.enable` / `vm.reboot.enable` tell whether the guest agent runs: models say so
 *     (the seeded `win-2022` has none); #12 wakes it when its job ends.
 * A21 Create: exactly one of `vm.tenant.model` / `vm.template.id`; `vm.name` ≤ 128 characters of
 *     any script (every other name too; descriptions ≤ 256), generated when absent; `vm.num` 1–10,
 *     several VMs are named `<name>-1…`; vCPU 1–128, memory 1–999999999 MB; a 40 GB system disk
 *     `vda` plus `vm.vdisk.num` (0–16) data disks of `vm.vdisk.size` GB; the VM takes the next
 *     free address of `vnic.portgroupid`.
 * A22 Quotas are enforced on VM, resize, disk, network and external-IP use; a tenant created without
 *     one gets the resource pool's; a quota cannot drop below use nor exceed the pool.
 * A23 Tenant create, quota modify/search and usable quota accept any valid token (no admin
 *     credential is documented); everything else is scoped to the token's tenant.
 * A24 A private network is one record: VPC = subnet = portgroup, same id (D21). The platform picks
 *     `192.168.N.0/24` (N from 100); .1 is the gateway; delete refuses a network with NICs or a
 *     router attachment.
 * A25 Resize, password, agent and disk jobs take `delays.jobMs`; their effect shows when they end.
 *     Resize needs state 0 or 1.
 * A26 The console (#10) answers only for a running VM.
 * A27 The type/model dictionary is platform-wide; #18 emits `vm.tenant.mode` (D11); a type with
 *     models cannot be deleted; a model code is unique across types.
 * A28 Disks: GB; an added disk appears in #37 when its job ends; `vda` is listed and cannot be
 *     deleted; extend only grows; a PVC disk (#38) is unattached and returns Ceph details (D27).
 * A29 Backups/snapshots show `enable: "false"` while created and lock the VM (3/5, restore 4/6);
 *     a failed create leaves no record; only usable records restore or delete.
 * A30 Monitoring values are repeatable hashes of seed, object and minute; "" = no data (before the
 *     VM existed, or now while not running); history lines: 60 minutes, 24 hours or 30 days (D29);
 *     #56 keys `monitor.netcardid` / `monitor.netcardmac` (D8).
 * A31 Routers are VMs outside the cloud-host list; create takes `bootMs`; #59/#60 use the tenant's
 *     first router and require `portgroup.id` (D14).
 * A32 `sharenet/connect` gives the VM an address on a shared 172.16.0.0/16 network (D35), one per
 *     VM; port mappings answer `{"nat.id"}` (D15); all mappings show in #62 with `net_vmid` (D11).
 * A33 An external IP serves one tenant at a time: an IP mapping or exclusive SLB takes it whole,
 *     port mappings share it by port and protocol; #66 lists the caller's and free ones.
 * A34 SLBs live on a router (`slb.vmid`); ids `slb_<router id>` (`_2`… after the first);
 *     protocols any case in, lower case out (D19); maxoccurs 10–10000; PEM markers checked;
 *     certificates and keys never returned; `slb.appid` must be the caller's tenant.
 * A35 Backend nodes name a VM of the tenant; weight 1–10 (default 1).
 * A36 Security groups bind NICs (D33) and cannot be deleted while bound; a rule is in effect on a
 *     running VM at once, otherwise pending (#91) until a retry (#92) finds the VM running.
 * A37 Access rules name the VM by IP; `net_inner` needs `allow.direction`; ports as `80:83,85`
 *     need `allow.protocol`; the VM's IP is the target of inbound and the source of outbound rules.
 * A38 `host.ip` filters on the registration address (D31); alarms come newest first.
 * A39 Generic faults in this wire: `refuse` → the envelope with the rule's code (default "1");
 *     `http_error`/`timeout`/`rate_limit` → their HTTP status with a plain-text body (a gateway);
 *     `malformed` → Base64 of truncated JSON (`invalid_json`) or of a JSON object without
 *     `result` (`wrong_shape`); `lost_answer` → acted on, connection dropped.
 */
import type { FastifyInstance } from 'fastify';
import {
  type Clock,
  type SimConfigPatch,
  type SimEngine,
  createPlatformApp,
  createSimEngine,
} from '../../sim/index.ts';
import { ACL_OPS } from './simulator-acl.ts';
import { BACKUP_OPS } from './simulator-backups.ts';
import { type PoolQuota, type SvcContext, createStores } from './simulator-context.ts';
import { registerControlRoutes } from './simulator-control.ts';
import { DISK_OPS } from './simulator-disks.ts';
import { INFRA_OPS } from './simulator-infra.ts';
import { type JobRunner, createJobRunner } from './simulator-jobs.ts';
import { MODEL_OPS } from './simulator-models.ts';
import { MONITOR_OPS } from './simulator-monitor.ts';
import { NAT_OPS } from './simulator-nat.ts';
import { NETWORK_OPS } from './simulator-networks.ts';
import { QUOTA_OPS } from './simulator-quota.ts';
import { REALNODE_OPS } from './simulator-realnodes.ts';
import { ROUTER_OPS } from './simulator-routers.ts';
import { type AnyOp, BASE_PATH, BODY_PARSERS, isPlainError, registerOps, renderSvcError } from './simulator-routes.ts';
import { DEMO_POOL, seedAll } from './simulator-seed.ts';
import { SG_OPS } from './simulator-segroups.ts';
import { SG_RULE_OPS } from './simulator-sgrules.ts';
import { SLB_OPS } from './simulator-slb.ts';
import { neutralOfVmState, vmStateOf } from './simulator-status.ts';
import { VM_EXTRA_OPS } from './simulator-vm-extras.ts';
import { VM_OPS } from './simulator-vms.ts';
import { encodeBase64Json } from './simulator-wire.ts';

export {
  DEMO_HOSTS,
  DEMO_MODEL_TYPES,
  DEMO_MODELS,
  DEMO_NETWORKS,
  DEMO_OTHER_TENANT,
  DEMO_OUTER_IPS,
  DEMO_POOL,
  DEMO_SECURITY_GROUP,
  DEMO_STORAGES,
  DEMO_TEMPLATES,
  DEMO_TENANT,
} from './simulator-seed.ts';
export { TASK_CODES, VM_STATES, type TaskCode, type VmState } from './simulator-status.ts';
export { JobFaultInput } from './simulator-jobs.ts';
export { MAX_VM_NAME } from './simulator-vms.ts';

/** The document's BaseURL path below the simulator's origin: a demo endpoint is `${baseUrl}${DEMO_BASE_PATH}`. */
export const DEMO_BASE_PATH = BASE_PATH;

/** Delays for demos and contract tests: every job ends within a few hundred ms. */
export const DEMO_FAST_DELAYS = {
  bootMs: 300,
  startMs: 150,
  stopMs: 150,
  rebootMs: 150,
  deleteMs: 150,
  jobMs: 150,
} as const satisfies NonNullable<SimConfigPatch['delays']>;

const ALL_OPS: readonly AnyOp[] = [
  ...QUOTA_OPS,
  ...VM_OPS,
  ...VM_EXTRA_OPS,
  ...MODEL_OPS,
  ...NETWORK_OPS,
  ...NAT_OPS,
  ...ACL_OPS,
  ...DISK_OPS,
  ...BACKUP_OPS,
  ...MONITOR_OPS,
  ...ROUTER_OPS,
  ...SLB_OPS,
  ...REALNODE_OPS,
  ...INFRA_OPS,
  ...SG_OPS,
  ...SG_RULE_OPS,
];

/**
 * Every operation served: its name (for `/_sim/faults`, `/_sim/calls` and job rules), HTTP
 * method, path below BaseURL as the document writes it, and whether it answers a task id.
 */
export const STARVCENTER_OPERATIONS: ReadonlyArray<{ op: string; method: string; path: string; async: boolean }> =
  ALL_OPS.map((o) => ({ op: o.op, method: o.method, path: o.path, async: o.async ?? false }));

export interface StarVCenterSimulatorOptions {
  seed?: number;
  clock?: Clock;
  config?: SimConfigPatch;
  logger?: boolean;
  /** Prefix of the control API. Default `/_sim`. */
  controlPrefix?: string;
  /** Resource-pool totals (#63). Default `DEMO_POOL`. */
  pool?: Partial<PoolQuota>;
  /** More static tokens: token → tenant id (of a seeded tenant). */
  tokens?: Record<string, string>;
}

export interface StarVCenterSimulator {
  app: FastifyInstance;
  engine: SimEngine;
  jobs: JobRunner;
}

// A39: what a `malformed` fault answers, before the Base64 every answer gets.
function malformedBody(mode: 'invalid_json' | 'wrong_shape'): string {
  return mode === 'invalid_json'
    ? '{"result":"0","data":[{"vm.id":"trunc'
    : JSON.stringify({ unexpected: true, data: 'not an envelope' });
}

/**
 * A StarVCenter simulator, seeded (see the `DEMO_*` exports) and not yet listening.
 *
 * A demo account against it: endpoint `${baseUrl}${DEMO_BASE_PATH}` (`baseUrl` as
 * `startSimulator` answers it), tenant token `DEMO_TENANT.token` in `KEY_TOKEN` (tenant id
 * `DEMO_TENANT.id`), private network `DEMO_NETWORKS[0].id` (`pg-demo-app`, a /16) for
 * `vnic.portgroupid`, a model code of `DEMO_MODELS` (e.g. `centos-7-9`) for `vm.tenant.model`
 * or `DEMO_TEMPLATES[0].id` for `vm.template.id`. `config: { delays: DEMO_FAST_DELAYS }` makes
 * every job end within a few hundred ms. Control routes: the shared `/_sim/…` plus
 * `/_sim/starvcenter/jobs` (failing or never-ending jobs), `/_sim/starvcenter/tokens` and
 * `/_sim/starvcenter/vms/:id/lock`; operation names for faults are in `STARVCENTER_OPERATIONS`.
 */
export function createStarVCenterSimulator(options: StarVCenterSimulatorOptions = {}): StarVCenterSimulator {
  const engine = createSimEngine({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const jobs = createJobRunner(engine);
  const ctx: SvcContext = {
    engine,
    jobs,
    pool: { ...DEMO_POOL, ...options.pool },
    store: createStores(engine),
    newId: () => engine.random('ids').hex(32),
  };
  const seed = (): void => {
    jobs.clear();
    seedAll(ctx);
    for (const [token, tenant] of Object.entries(options.tokens ?? {})) engine.tokens.addStatic(token, tenant);
  };
  seed();
  engine.onReset(seed);

  const app = createPlatformApp({
    engine,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    parsers: BODY_PARSERS,
    renderError: renderSvcError,
    errorStatus: (e) => (isPlainError(e) ? e.status : 200),
    renderMalformed: (mode) => malformedBody(mode),
    routes: (platform) => registerOps(platform, ctx, ALL_OPS),
    control: {
      ...(options.controlPrefix ? { prefix: options.controlPrefix } : {}),
      platformStatus: vmStateOf,
      stateOfRawStatus: neutralOfVmState,
      extend: (control) => registerControlRoutes(control, ctx),
    },
  });
  return { app, engine, jobs };
}

/** Base64 of an envelope, as the simulator answers it (for tests that compare raw bodies). */
export const encodeEnvelope = encodeBase64Json;
