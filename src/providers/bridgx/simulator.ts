/**
 * BridgX simulator: a Fastify app speaking the BridgX developer API (seed 001, catalog
 * ../shared/providers/bridgx.md) on the shared sim engine: 26 operations under `/api/v1/` —
 * cluster templates, networks (VPC, switch, security group, one-call network config, region
 * sync, template), catalogs per provider, expand/shrink tasks, machines and the cost API.
 * BridgX is itself a control plane: machines exist only through its own tasks, a task has no
 * get-by-id (only the task list) and a machine names no task. An independent reading of the
 * document: it imports nothing of the adapter.
 *
 * Ambiguities of the document and the choice made here (A<n>; the route modules tag them):
 * A1  Auth is undocumented. An optional `Authorization: Bearer <token>` names the organization;
 *     without it a call acts for the first organization, unless the simulator requires a token
 *     (option / control API). A missing required, unknown or expired token → HTTP 401
 *     `{code:401,msg:"unauthorized",data:null}` (an invented code).
 * A2  Envelope `{code,msg,data}`: success HTTP 200 `code:200,msg:"success"`; every refusal
 *     `{code:400,msg:"param_invalid",data:null}` with HTTP 400 — an unknown cluster, machine,
 *     VPC or account included. `refusalHttpStatus: 'ok'` answers refusals with HTTP 200 instead.
 * A3  Shrink lives at `POST /api/v1/cluster/shrink` (the document repeats the expand path);
 *     `/cluster/expand` always expands, even with `ips` in the body.
 * A4  `disks.data_disk` is an array (the example); a single object reads as a list of one; the
 *     key is required, `[]` is fine.
 * A5  Cloud accounts are registered out of band; `account_key` / `ak` selects one of the
 *     caller's organization and must be of the provider the call names, else 400.
 * A6  `subnet/create` is a GET with query parameters; a POST with a JSON body works too.
 * A7  Creates answer the new object's id (`vpc-…`, `vsw-…`, `sg-…`; network_config/create the
 *     VPC's), not the examples' switch ids; cluster/create answers the cluster name.
 * A8  Key casing as the JSON examples: PascalCase (Go names) for VPC/switch/group describes and
 *     infos, regions, zones and images, with `Pager{PageNumber,PageSize,Total}`; snake_case
 *     elsewhere, with `pager{page_number,page_size,total}`.
 * A9  A VPC's `SwitchIds` is a comma-joined string (the example's is `""`).
 * A10 Paging: `page_number` from 1 (below 1 reads 1), `page_size` default 10 (0 or less reads
 *     10, above 50 reads 50); a non-integer → 400; past the end an empty page with the total;
 *     the pager echoes the values used.
 * A11 Timestamps are Go's `Time.String()` in China time: `2021-11-02 06:09:38 +0800 CST`.
 * A12 `date` is `YYYY-MM-DD` (the document says yyyy-dd-mm), a real date, the day in +08:00.
 * A13 Task ids are int64 and, by default, beyond 2^53 (from 2^53+1, rising by a seeded step):
 *     a bare JSON number in the expand/shrink answer, written digit for digit, and a string
 *     in the task list. `taskIdStart` sets the first.
 * A14 Bodies are read as JSON whatever the Content-Type (as Gin's JSON binding does); a
 *     missing or unreadable body → 400; unknown fields are ignored.
 * A15 The literal path `/instance/id/describe?instance_id=` wins over the also-served
 *     `/instance/{instance_id}/describe`. An unknown path or method → HTTP 404 with Gin's
 *     plain-text `404 page not found`.
 * A16 Cloud ids take Alibaba's shapes for every provider: `vpc-`/`vsw-` + 21, `sg-`/`i-` + 20
 *     lowercase characters, starting with the region's code (`m5e` for cn-qingdao).
 * A17 network_config/create checks everything before it makes the VPC, the switch and a group
 *     with the template's open rules; the template carries English default names.
 * A18 The image list is per region (its description, copied from instance types, says zone).
 * A19 `:id` is the cloud id, or BridgX's numeric row id (the examples' `/info/1`);
 *     `subnet/info/:id` needs `vpc_id` (id or row id) naming the switch's own VPC.
 * A20 Two layers: the cloud account's objects and BridgX's records, which the describes read.
 *     Creates write both; `network_config/sync` makes BridgX's records of one account and
 *     region equal the cloud's (new ones added, lost ones dropped), before it answers
 *     `data:null` — or `syncMs` later when that timing is set. Each sync is an engine job.
 * A21 CIDRs must have zero host bits. A VPC lies in 10/8, 172.16/12 or 192.168/16 with a mask
 *     up to /24 (default 172.16.0.0/12 in vpc/create; required in network_config/create). A
 *     switch has a mask of 16–29, lies in its VPC, overlaps no sibling; 150 per VPC at most.
 * A22 VPCs and switches are `Pending` for `networkReadyMs`, then `Available`; describes show
 *     real CIDR, status and switch ids (not the example's blanks). Groups are ready at once.
 * A23 Public bandwidth is `network_config.internet_max_bandwidth_out` (the document's second
 *     `internet_charge_type` row); above 0 each machine gets a public IP (charge type
 *     defaulting to PayByTraffic), else `ip_outer` is `""`.
 * A24 Private IPs come from the cluster's switch, lowest free first, skipping its first and
 *     last three addresses. `AvailableIpAddressCount` = those less the machines on it. An
 *     expand the switch has no room for → 400.
 * A25 Cluster create: name 1–128 characters, unique in the organization; password 8–30
 *     printable characters with three of upper, lower, digit, symbol (checked, never stored
 *     nor echoed); `charge_config` or the example's top-level `charge_type`; PrePaid needs
 *     `period_unit` and a `period` from the documented lists; region, zone, instance type
 *     (offered in the zone) and image (of the region) from the catalog.
 * A26 A cluster is a template: no machine is made at create. Its VPC, switch and group must be
 *     BridgX records of its account and region, the switch in its zone and the group in its
 *     VPC. At most `clusterMachineLimit` (200) machines per cluster, counting queued expands;
 *     `total_remainder` = "machines/limit". Clusters list oldest first; `create_by` is the
 *     token's user, "" without a token.
 * A27 Tasks go INIT → RUNNING → SUCCESS | FAILED. A task waits `taskStartMs` in INIT, and
 *     behind every earlier task of its cluster (one cluster's tasks run in order); it ends when
 *     its machines are done and `taskMinMs` has passed. `task_name` must be present; "" is fine.
 * A28 The task list is newest first and filters only by account; `execute_time` is 0 and
 *     `finish_at` "" until a task ends, then the whole seconds between the two stamps shown.
 * A29 Shrink `ips` are private IPs, a JSON array or a comma-separated string. With IPs,
 *     `count` must equal their number and each must be a live machine of the cluster not
 *     claimed by a waiting shrink; without, `count` seeded-random victims among the cluster's
 *     live machines, refused when more than it has.
 * A30 Machine statuses: Pending (booting), Running, Deleting, Deleted (stays listed), Error.
 *     The list is oldest first; `status` filters are comma-separated and case-insensitive, a
 *     word that is no status → 400. `instance/num` counts machines not yet Deleted. States
 *     only the control API can force (stopped…) show as `Stopped`, `Stopping`, `Starting`,
 *     `Rebooting`, which no client should know.
 * A31 The list's `startup_time` is the seconds a machine took to boot; 0 if it never ran.
 * A32 The detail has no status, cluster or zone; `region_id` is the region; its
 *     `network_config` names hold ids; disk sizes are integers; deleted machines keep theirs.
 * A33 A usage record is one Running interval of a machine: from the end of its boot to the
 *     moment its delete was sent (or it left Running), clipped to the asked day in +08:00;
 *     `startup_time` = whole seconds between the shown stamps, `shutdown_at` "" while it still
 *     runs today; `id` a serial; `usage_total` their sum over the caller's organization.
 * A34 Group rules: create takes `start/end` ports (tcp/udp within 1–65535, others `-1/-1`) and
 *     a peer, `group_id` (a group of the same VPC, winning over `cidr_ip`) or `cidr_ip` (CIDR
 *     or address); identical rules collapse; at most 200; `rules: []` is allowed. The detail
 *     shows `1-65535` or `""` for portless protocols; the template shows ints `0/0`.
 *     create_with_rule makes `normal` groups.
 * A35 `IsDefault` is the string "Y" or "N"; the seeded demo switch is the default one.
 * A36 Control API: the next matching task can fail k of its N machines (an expand's k end in
 *     Error, a shrink's k are not deleted) and ends FAILED; the engine's error rate and name
 *     pattern fail expand machines too.
 * A37 Injected faults use the envelope: `code` is the fault's status (or its numeric `code`),
 *     `msg` the fault's message, its non-numeric code, or the token; the HTTP status is the
 *     fault's (a `refuse` with status 200 carries a failure inside HTTP 200). Malformed
 *     answers start like the envelope; rate limits carry Retry-After.
 * A38 A list filter naming something unknown (account, cluster, machine, IP, VPC) matches
 *     nothing; malformed enum filters (provider, status) and paging are refused.
 * A39 New machines show in list and count calls after the engine's `listLagMs` (the detail
 *     sees them unless `getSeesLagging` is off); a deleted machine's IP is free again, so an
 *     `ip` filter can match old Deleted records beside the live machine.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type Clock,
  type SimConfigPatch,
  type SimEngine,
  createPlatformApp,
  createSimEngine,
} from '../../sim/index.ts';
import { registerCatalogRoutes, seedCatalog } from './simulator-catalog.ts';
import { registerClusterRoutes } from './simulator-clusters.ts';
import {
  type BxCaller,
  type BxContext,
  BxTiming,
  DEFAULT_TIMING,
  emptyState,
  makeFail,
  replaceState,
} from './simulator-context.ts';
import { registerBridgxControl } from './simulator-control.ts';
import { registerMachineRoutes } from './simulator-machine-routes.ts';
import { stateOfStatus, statusOfInstance } from './simulator-machines.ts';
import { seedNetworks } from './simulator-network-store.ts';
import {
  type BxCatalogSeed,
  type BxNetworkSeed,
  type BxOrgSeed,
  DEFAULT_CATALOG,
  DEFAULT_NETWORKS,
  DEFAULT_ORGS,
} from './simulator-seed.ts';
import { registerSecurityGroupRoutes } from './simulator-sg-routes.ts';
import { registerTaskRoutes } from './simulator-task-routes.ts';
import { registerUsageRoutes } from './simulator-usage.ts';
import { registerVpcRoutes } from './simulator-vpc-routes.ts';
import { renderError, renderMalformed } from './simulator-wire.ts';
import { installAuth } from './simulator-auth.ts';

export { BRIDGX_MACHINE_STATUSES, type BridgxMachineStatus } from './simulator-machines.ts';
export { BRIDGX_TASK_STATUSES, type BridgxTaskStatus } from './simulator-tasks.ts';
export { BxTiming, DEFAULT_TIMING } from './simulator-context.ts';
/**
 * The seeded demo tenant, for a demo account: endpoint = the simulator's base URL; no token is
 * needed (send `Authorization: Bearer ${DEMO_TOKEN}` to act as `DEMO_USER`); the cloud account
 * is `DEMO_ACCOUNT.ak` (AlibabaCloud) in `DEMO_REGION` / `DEMO_ZONE`, with `DEMO_NETWORK`'s VPC,
 * switch and security group ready for a cluster (`DEMO_CLUSTER_SPEC` is a complete
 * cluster/create body but for `name` and `password`), `DEMO_INSTANCE_TYPE` and `DEMO_IMAGE`.
 * `DEMO_CLOUD_ONLY_NETWORK` appears after a network_config/sync of that account and region.
 * For fast demos pass `config: { delays: { bootMs, deleteMs } }` and `timing: FAST_TIMING`.
 */
export {
  BX_PROVIDERS,
  DEFAULT_CATALOG,
  DEFAULT_NETWORKS,
  DEFAULT_ORGS,
  DEMO_ACCOUNT,
  DEMO_CLOUD_ONLY_NETWORK,
  DEMO_CLUSTER_SPEC,
  DEMO_IMAGE,
  DEMO_INSTANCE_TYPE,
  DEMO_NETWORK,
  DEMO_ORG,
  DEMO_REGION,
  DEMO_TENCENT_ACCOUNT,
  DEMO_TOKEN,
  DEMO_USER,
  DEMO_ZONE,
} from './simulator-seed.ts';
export type { BxAccountSeed, BxCatalogSeed, BxNetworkSeed, BxOrgSeed, BxProvider } from './simulator-seed.ts';

/** Timings for demos and the `fast` start: tasks, networks and syncs settle within a fraction of a second. */
export const FAST_TIMING: BxTiming = { taskStartMs: 100, taskMinMs: 0, networkReadyMs: 100, syncMs: 0 };

/** The first task id when none is configured: just past 2^53, where JSON numbers stop being exact (A13). */
export const DEFAULT_TASK_ID_START = 2n ** 53n + 1n;

export interface BridgxSimulatorOptions {
  seed?: number;
  /** A manual clock (`createManualClock()`) lets tests move time through `/_sim/clock`. */
  clock?: Clock;
  /** Engine tunables; `delays.bootMs` is a machine's boot, `delays.deleteMs` its delete. */
  config?: SimConfigPatch;
  logger?: boolean;
  /** Prefix of the control API. Default `/_sim`. */
  controlPrefix?: string;
  /** Organizations with their accounts and tokens. Default: `DEFAULT_ORGS` (the demo organization). */
  orgs?: BxOrgSeed[];
  catalog?: Partial<BxCatalogSeed>;
  /** Networks in the cloud accounts and in BridgX. Default: `DEFAULT_NETWORKS`. */
  networks?: BxNetworkSeed[];
  /** Refuse calls without a bearer token (A1). Default false. */
  requireToken?: boolean;
  /** Task, network and sync timings (A27, A22, A20). Default `DEFAULT_TIMING`. */
  timing?: Partial<BxTiming>;
  /** Machines one cluster may hold (A26). Default 200. */
  clusterMachineLimit?: number;
  /** The first task id (A13). Default `DEFAULT_TASK_ID_START`. */
  taskIdStart?: bigint | string | number;
  /** HTTP status of refusals: the envelope's code (default) or always 200 (A2). */
  refusalHttpStatus?: 'mirror' | 'ok';
}

export interface BridgxSimulator {
  app: FastifyInstance;
  engine: SimEngine;
  orgs: BxOrgSeed[];
  catalog: BxCatalogSeed;
  networks: BxNetworkSeed[];
  /** The organization a call without a token acts for. */
  defaultOrgId: string;
}

const readJson = (body: string): unknown => (body === '' ? undefined : JSON.parse(body));

export function createBridgxSimulator(options: BridgxSimulatorOptions = {}): BridgxSimulator {
  const engine = createSimEngine({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const orgs = options.orgs ?? DEFAULT_ORGS;
  const defaultOrg = orgs[0];
  if (!defaultOrg) throw new Error('the BridgX simulator needs at least one organization');
  const catalog: BxCatalogSeed = { ...DEFAULT_CATALOG, ...options.catalog };
  const networks = options.networks ?? DEFAULT_NETWORKS;
  const timing = BxTiming.parse({ ...DEFAULT_TIMING, ...options.timing });
  const taskIdStart = BigInt(options.taskIdStart ?? DEFAULT_TASK_ID_START);
  const fresh = () => emptyState(options.requireToken ?? false, timing, taskIdStart);

  const callers = new WeakMap<FastifyRequest, BxCaller>();
  const ctx: BxContext = {
    engine,
    state: fresh(),
    orgs,
    catalog,
    clusterMachineLimit: options.clusterMachineLimit ?? 200,
    fail: makeFail(options.refusalHttpStatus ?? 'mirror'),
    caller: (req) => {
      const c = callers.get(req);
      if (!c) throw new Error('caller() on a request the auth hook did not see');
      return c;
    },
  };

  const seedAll = (): void => {
    replaceState(ctx.state, fresh());
    for (const org of orgs) {
      for (const a of org.accounts) ctx.state.accounts.set(a.ak, { ...a, org: org.id });
      for (const token of org.tokens) engine.tokens.addStatic(token, org.id, org.user);
    }
    seedCatalog(engine, catalog);
    seedNetworks(ctx, networks);
  };
  seedAll();
  engine.onReset(seedAll);

  const refusalOk = options.refusalHttpStatus === 'ok';
  const app = createPlatformApp({
    engine,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    renderError,
    errorStatus: (e) => (e.kind === 'invalid' ? (refusalOk ? 200 : 400) : e.status),
    renderMalformed,
    // A14: JSON whatever the declared type, as Gin's binding reads it.
    parsers: { 'application/json': readJson, 'text/plain': readJson, '*': readJson },
    routes(platform) {
      installAuth(platform, ctx, defaultOrg.id, callers);
      registerClusterRoutes(platform, ctx);
      registerVpcRoutes(platform, ctx);
      registerSecurityGroupRoutes(platform, ctx);
      registerCatalogRoutes(platform, ctx);
      registerTaskRoutes(platform, ctx);
      registerMachineRoutes(platform, ctx);
      registerUsageRoutes(platform, ctx);
    },
    control: {
      ...(options.controlPrefix ? { prefix: options.controlPrefix } : {}),
      platformStatus: statusOfInstance,
      stateOfRawStatus: stateOfStatus,
      extend: (control) => registerBridgxControl(control, ctx),
    },
  });

  return { app, engine, orgs, catalog, networks, defaultOrgId: defaultOrg.id };
}
