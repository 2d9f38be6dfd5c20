/**
 * Legacy cluster simulator: a Fastify app speaking the wire of the legacy multi-cloud
 * integration API (seed 000, catalog ../shared/providers/legacy-cluster.md) on the shared sim
 * engine — a broker in front of the `aliyun`, `aws` and `openstack` drivers plus registered
 * physical machines (`phydev`). All 32 documented operations are served at their documented
 * paths (templates under `/v1/cluster`, machines under `/v1/instance`, `/v1/start`,
 * `/v1/status`), with the `{code,msg,content,ext}` envelope, its codes and verbatim messages.
 * A template ("cluster") is a saved spec the broker expands by N machines in one call (the
 * engine's group scaling). An independent reading of the document: nothing of the adapter is
 * imported. Static `/v1/instance/<word>` routes win over `/v1/instance/:instanceId(s)`
 * (find-my-way prefers static segments). The document's miswritten example paths are not
 * aliased: `/v1/instance/iamge/…` and `POST /v1/cluster/3` are unknown paths, and
 * `/v1/instance/101.1.2.42` is a get-instance of an unknown id.
 *
 * Ambiguities of the document and the choice made here (A1–A39; the adapter numbers its own
 * from A40; route modules tag the line that settles each):
 * A1  No auth and no tenants: any caller is served; TenantID/UserID are always "". The
 *     `gatewayHeaders` option emulates a gateway in front: a missing or different header is
 *     HTTP 401 `{code:401,msg:"Unauthorized"}`.
 * A2  Every answer of the broker is HTTP 200, refusals included (a `refuse` fault too,
 *     whatever its status). Only gateway faults (http_error, rate_limit with Retry-After,
 *     timeout → 504) keep their HTTP status, and a path no route matches is HTTP 404 with
 *     Go's plain-text `404 page not found`.
 * A3  Success is `code 0 && msg null`. Code-0 failures: ops 28/29 for a machine the broker
 *     never knew (`result to json error`), op 31's per-machine failures, and `refuse` faults
 *     on ops 28/29/30. A `refuse` fault answers the op's own documented failure (code, msg and
 *     `content:false` for ops 10–12) unless the rule gives a numeric code or a message.
 * A4  Bodies are read as Go's encoding/json would: whatever the content type, keys matched
 *     case-insensitively (the later spelling wins), unknown keys ignored, null = absent. An
 *     unreadable body or a wrong type is the op's input error, never a framework 400.
 * A5  X-CORRELATION-ID is an HTTP header, required by ops 5, 13 and 31 and checked before
 *     anything else: missing or blank → 12997 `Missing requisite parameter(X-CORRELATION-ID)!`,
 *     longer than 255 → 12996. Any format is accepted. Every call carrying it has it in the call
 *     log (`fields.correlationId`); it is never echoed (nothing documents an echo). Ops 8, 10
 *     and 30 write it into their log lines when sent.
 * A6  `Status` is read as a bit set (simulator-status.ts): 1 exists at the backend, 2 powered
 *     on, 4 initialised by the broker; 1/3/7 are the document's three values. Added outside
 *     those bits: 0 nothing at the backend yet, 8 failed, 16 deleting (5 is read as stopped).
 * A7  A running cloud machine reports 7, a running physical one 3; starting 3; stopped 1;
 *     creating 0; error 8; deleting 16. `DEMO_STATUS_MAP` gives the unified meaning.
 * A8  Op 12 stores any integer (content 1). A table value moves the machine to that state
 *     (cancelling a pending boot unless it is the same state; a delete in flight is kept);
 *     other values are reported as written. A written value stands until the state changes.
 * A9  Op 1 answers `[]` when empty; soft-deleted templates are neither listed nor got (op 2 →
 *     10999 `QuerySeter no row found`, as for an unknown id).
 * A10 Path ids parse like strconv.Atoi (sign and digits); anything else → 12996 `Input error!`
 *     (op 2's table code 12966 is read as 12996).
 * A11 Template create: the nine table fields required (a string must be non-empty; Zone needs
 *     RegionName and ZoneName) else 12996; DataDiskNum outside 1..4 → 11996; an unknown
 *     Provider → 10999 `unknown backend provider driver: <p>`. InstanceType, image and zone are
 *     not checked here (the document's own example stores the label "1核1G"); ImageId may be
 *     absent. Cpu/Ram are kept when > 0, else taken from the backend's type, else 0.
 * A12 Seeded templates are 3 (Aliyun), 4 (Physical device) and 5 (AWS); new ones get 6, 7, …,
 *     and their Network/Zone records fresh ids; ids are never reused; names need not be unique.
 * A13 Delete template is soft (DeleteTime set, content true); its machines stay and still nest
 *     it. Unknown, already deleted, or the Physical device template → 10999 `Delete cluster err`.
 * A14 Expand makes machines from the stored template; its body must still decode as a
 *     template (12996 / 11996) but is not applied — the document's op 27 machine of template 3
 *     is `ecs.n1.tiny` although the expand example sent `1核1G`.
 * A15 Expand `:number` is an Atoi integer (else 12996) in 1..maxExpand (default 1000), else
 *     11996 in the DataDiskNum wording naming `(number)`.
 * A16 Expand answers the new InstanceIds in order with `ext` = the template id (an int). An
 *     unknown or deleted template → 10999 `QuerySeter no row found`; a template its driver
 *     rejects (region, zone, type, image, network, group, charge, disks) → 10999
 *     `create instance err: <reason>` with nothing created; the Physical device template →
 *     10999 `unknown backend provider driver: phydev`.
 * A17 Expands are not deduplicated by correlation id. A `lost_answer` expand still creates.
 * A18 LastestPartNum stays 0 (template 3 of the document has machines and 0).
 * A19 Expanded and created machines boot 0 → 7 after `bootMs` (the broker starts what it
 *     creates); `createErrorRate` / `createErrorNamePattern` end one in 8. The engine name of an
 *     expanded machine is `c<template>-<correlation id>-<n>` (what a name pattern matches).
 * A20 Instance ids in each backend's spelling: Aliyun and registered machines `i-` + 20
 *     lowercase alphanumerics, AWS `i-0` + 16 hex, OpenStack a UUID. `Id` is a row counter.
 * A21 A machine's KeyName is "" and Name is "" (as in every example); SecurityGroupId is the
 *     template's group, or the region's default one for its network; Cpu/Ram come from the type.
 * A22 AWS machines carry the document's placeholders: RegionId `aws region `, ZoneId
 *     `aws zone`, CostWay `aws costway`, NatIpAddress `aws nia` (`awsPlaceholders: false` off).
 * A23 Private addresses come from the subnet's CIDR (classic network: an inner 10.x address);
 *     a public one when InternetMaxBandwidthOut > 0 or the AWS subnet maps public IPs.
 * A24 Op 8 answers the private address; bad input → 12996 `Input error` (no "!"), DataDiskNum
 *     0..4; the driver checks of A16 apply. The machine belongs to no template: it nests Go's
 *     zero-value template (Id 0, zero times) and is listed by `/v1/instance/cluster/0`.
 * A25 Op 9 of an unknown id → 10999 `get one instance err`. Ops 9, 10 and 11 with no id
 *     segment → 12997 `Missing requisite parameter!`.
 * A26 Op 10 takes one id: stopped → starting → running; running or starting → true; unknown,
 *     creating, error, deleting, or a physical machine not running → 10999 `Could not start
 *     instances` with content false.
 * A27 Op 11 takes comma-separated ids and answers like an SQL IN: unknown ids are absent, so
 *     an unknown single id is `[]`; `ip_address` is the public address ("" when none).
 * A28 Op 13 takes comma-separated ids (repeats dropped). One unknown id refuses the batch with
 *     12997 `QuerySeter no row found` and deletes nothing; content is null; a machine reports 16
 *     until its delete completes after `deleteMs`; deleting again while deleting is fine.
 * A29 Op 14 finds a live machine by public or private IP and answers its key file as
 *     `application/x-pem-file` with `Content-Disposition: attachment`; no machine or no key →
 *     12997 `QuerySeter no row found`.
 * A30 Op 15 stores the raw body (any content type, or a JSON string) as the machine's key and
 *     answers it; with no body the broker generates one. A JSON object → 12996; unknown → 12997.
 * A31 Catalog lookups: an unknown driver (`phydev` included) → 10999
 *     `unknown backend provider driver: <p>`; an unknown region, zone or VPC → `[]`; op 16
 *     with no driver configured → 12997 `QuerySeter no row found`. A zone's display name is
 *     its `RegionName`; subnets are chosen by zone and VPC.
 * A32 Instance types are labels; a create accepts a label or the backend's code. Charge types
 *     and disk categories are per driver (OpenStack has no charge types).
 * A33 Op 26 lists running machines only (the title says so; `listAll` lists all), op 27 every
 *     machine of the template in any state (an unknown template: `[]`); both by `Id`, both
 *     subject to the engine's list lag.
 * A34 Log content is an array of `{Id,CorrelationId,InstanceId,Level,Message,CreateTime}`;
 *     a known machine without lines is `[]`; a segment empty or over 255 chars → 12996.
 * A35 Op 30 decodes like op 8 (12996 `Input error!`), calls no driver and records a new running
 *     machine of no template (no identity in the body to update); content is that machine.
 * A36 Op 31 needs a non-empty `instancelist` of {PublicIp, PrivateIp, Password, Port?} with
 *     both addresses IPv4 (`PublicIP` spellings fold), else 12996; the password is not kept.
 *     A public IP already on the books (or twice in the batch) fails that item `Instance: <ip>
 *     is already in DB`; a fault rule on `instance.register.item` (key = the IP) fails one.
 *     Others become running physical machines (status 3, Cpu 1, Ram 1) of the Physical device
 *     template, with no key until one is uploaded.
 * A37 Op 32 needs four non-empty strings (OpPort a numeric string 1..65535; a JSON number →
 *     12996); content echoes the settings with OpPassword `******`.
 * A38 Counts count a machine from its create call until its delete completes. Op 6 `:hour`
 *     1..720 (else 12996) samples the range start, every whole local hour after it and now; op 7
 *     takes `YYYY-MM-DD HH:mm:ss` local (URL-encoded), a future or unreadable time → 12996,
 *     and answers one object. Values are strings, one key per provider with machines, keys
 *     sorted as Go marshals a map.
 * A39 Times are the broker's local time, UTC+08:00 by default (`utcOffsetMinutes`): RFC 3339
 *     to the second (`Z` in UTC), DeleteTime zero `0001-01-01T00:00:00Z`.
 */
import type { FastifyInstance } from 'fastify';
import {
  type Clock,
  type SimConfigPatch,
  type SimEngine,
  createPlatformApp,
  createSimEngine,
} from '../../sim/index.ts';
import { registerCatalogRoutes } from './simulator-catalog.ts';
import { BODY_PARSERS, type LegacyContext, type LegacySettings, failure } from './simulator-context.ts';
import { registerCountRoutes } from './simulator-counts.ts';
import { DEMO_PHYSICAL_TEMPLATE_ID, freshState, seedBroker } from './simulator-demo.ts';
import { legacyErrorStatus, renderLegacyError, renderLegacyMalformed } from './simulator-faults.ts';
import { registerInstanceRoutes } from './simulator-instances.ts';
import { registerKeyRoutes } from './simulator-keys.ts';
import { registerListRoutes } from './simulator-lists.ts';
import { registerPhydevRoutes } from './simulator-phydev.ts';
import { DEFAULT_BACKENDS, type BackendSeed } from './simulator-seed.ts';
import { neutralOfStatus, statusOf } from './simulator-status.ts';
import { registerTemplateRoutes } from './simulator-templates.ts';

export {
  DEMO_ALIYUN_TEMPLATE_ID,
  DEMO_AWS_TEMPLATE_ID,
  DEMO_FAST_CONFIG,
  DEMO_HEADERS,
  DEMO_PHYDEV,
  DEMO_PHYSICAL_TEMPLATE_ID,
  DEMO_PLACEMENT,
  DEMO_STATUS_MAP,
} from './simulator-demo.ts';
export { DEFAULT_BACKENDS, type BackendSeed } from './simulator-seed.ts';
export { LEGACY_OPS, REGISTER_ITEM_OP, type LegacyOp } from './simulator-ops.ts';
export { LEGACY_STATUS_MEANING } from './simulator-status.ts';

export interface LegacyClusterSimulatorOptions {
  seed?: number;
  clock?: Clock;
  config?: SimConfigPatch;
  logger?: boolean;
  /** Prefix of the control API. Default `/_sim`. */
  controlPrefix?: string;
  /** The backend drivers and their catalogs (replaces the default aliyun/aws/openstack). */
  backends?: Record<string, BackendSeed>;
  /** Register the demo physical machine at start and on reset. Default true. */
  seedMachines?: boolean;
  /** Most machines one expand may ask for (A15). Default 1000. */
  maxExpand?: number;
  /** Op 26 lists every machine instead of the running ones (A33). Default false. */
  listAll?: boolean;
  /** AWS machines carry the document's placeholder strings (A22). Default true. */
  awsPlaceholders?: boolean;
  /** The broker's time zone, minutes east of UTC (A39). Default 480 (UTC+08:00). */
  utcOffsetMinutes?: number;
  /** Headers a gateway in front demands (A1); none by default. */
  gatewayHeaders?: Record<string, string>;
}

export interface LegacyClusterSimulator {
  app: FastifyInstance;
  engine: SimEngine;
  settings: LegacySettings;
}

export function createLegacyClusterSimulator(options: LegacyClusterSimulatorOptions = {}): LegacyClusterSimulator {
  const engine = createSimEngine({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const settings: LegacySettings = {
    backends: options.backends ?? DEFAULT_BACKENDS,
    maxExpand: options.maxExpand ?? 1000,
    listAll: options.listAll ?? false,
    awsPlaceholders: options.awsPlaceholders ?? true,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 480,
  };
  const ctx: LegacyContext = { engine, settings, state: freshState(), physicalTemplateId: DEMO_PHYSICAL_TEMPLATE_ID };
  const seedAll = (): void => {
    ctx.state = freshState();
    seedBroker(ctx, options.seedMachines ?? true);
  };
  seedAll();
  engine.onReset(seedAll);

  const gateway = Object.entries(options.gatewayHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]);
  const app = createPlatformApp({
    engine,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    parsers: BODY_PARSERS,
    // Go's router has no parameter length limit; ids and correlation ids up to 255 chars reach the handlers.
    maxParamLength: 2048,
    renderError: renderLegacyError,
    errorStatus: legacyErrorStatus,
    renderMalformed: renderLegacyMalformed,
    callFields: (req) => {
      const raw = req.headers['x-correlation-id'];
      const id = (Array.isArray(raw) ? raw[0] : raw)?.trim();
      return id ? { correlationId: id } : undefined;
    },
    routes(platform) {
      if (gateway.length > 0)
        platform.addHook('preHandler', async (req, reply) => {
          if (gateway.some(([name, value]) => req.headers[name as string] !== value))
            return reply.code(401).send(failure(401, 'Unauthorized'));
        });
      registerTemplateRoutes(platform, ctx);
      registerCountRoutes(platform, ctx);
      registerInstanceRoutes(platform, ctx);
      registerKeyRoutes(platform, ctx);
      registerCatalogRoutes(platform, ctx);
      registerListRoutes(platform, ctx);
      registerPhydevRoutes(platform, ctx);
    },
    control: {
      ...(options.controlPrefix ? { prefix: options.controlPrefix } : {}),
      platformStatus: (inst) => String(statusOf(inst)),
      stateOfRawStatus: neutralOfStatus,
    },
  });

  return { app, engine, settings };
}
