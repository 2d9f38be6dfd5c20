/**
 * Inspur ECS simulator: a Fastify app speaking the cloud-server wire of the Inspur ECS API
 * document (seed 004, catalog ../shared/providers/inspur-ecs.md) on the shared sim engine:
 * the 18 documented operations (servers: list, detail, start/stop/reboot single and batch,
 * console, tags list/replace, create image; images: list, list private, detail, delete, batch
 * delete, update). An independent reading of the document: it imports nothing of the adapter.
 * The platform cannot create or delete servers; they are seeded (DEMO_SERVERS, or the control
 * API's `POST /_sim/servers/seed`).
 *
 * Ambiguities of the document and the choice made here (A<n>; the route modules tag theirs):
 * A1  No base URL or prefix is given: paths are served as documented from the root (`/v1/…`).
 * A2  Auth is undocumented. `Authorization: Bearer <token>`, each token bound to a tenant
 *     (static ones from options; expiring ones from `POST /_sim/tokens`). `auth: 'any'` takes
 *     any non-empty token, `auth: 'none'` none; `tokenHeader` names another header (raw token).
 * A3  Auth refusals: HTTP 401, envelope `{code:"401", message, data:null}` (no code documented).
 * A4  Error codes are the full dotted form (`101.` + the six digits, line 47), common codes too
 *     (`101.001002`…), and always JSON strings.
 * A5  Errors go out with the document's HTTP status (400; 500 for image delete/update
 *     failures). Success is HTTP 200, create image 201.
 * A6  Messages are the document's own (Chinese) wire text, placeholders filled
 *     (`参数pageSize不符合规范`); `language: 'en'` serves English glosses instead.
 * A7  Success envelopes follow each example: List Servers sends `code:"200"` (a string) with
 *     "ECS application ECS module message:OK"; the rest send the number 200 (create image 201
 *     "Created"); detail/lists "OK", tags list "success", console "Successful operation!",
 *     single actions and tags update `{code:200,message:"OK",data:null}`, batch actions
 *     `{code:200,message:"OK"}` (no data), delete image `{code:200,data:""}` (no message),
 *     update image `{code:200,data:"",message:"update image success"}`.
 * A8  Status strings in the examples' lower case (`statusCase: 'upper'` for upper); engine
 *     state → status: creating BUILD, running ACTIVE, stopping ACTIVE + powering-off, stopped
 *     SHUTOFF, starting SHUTOFF + powering-on, rebooting REBOOT / HARD_REBOOT, deleting ACTIVE +
 *     deleting, error ERROR. Any documented status can be forced through the control API.
 * A9  task_state is null when idle; only the three documented values are sent (a reboot's
 *     status tells it, so no undocumented `rebooting` task state).
 * A10 STOPPED behaves as SHUTOFF (it can be started).
 * A11 Preconditions: start from SHUTOFF/STOPPED, stop and SOFT reboot from ACTIVE, HARD reboot
 *     from ACTIVE, SHUTOFF, STOPPED, PAUSED, ERROR or REBOOT (→ HARD_REBOOT → ACTIVE), never
 *     while a power task runs; otherwise `101.001012`.
 * A12 An unknown server (or another tenant's) is `101.001033` "server <id> does not exist",
 *     HTTP 400, batch stop included (the batch sections point at the common codes); only the
 *     single stop answers its own table's `101.001013` for it.
 * A13 `101.001014`: a server seeded without billing information (`feeData: null`) cannot stop.
 * A14 Batch start/stop/reboot: `servers: [{id}]` nested in the action object, 1–100 (reboot
 *     too), duplicates act once; all or nothing — any unknown or ineligible server refuses
 *     the call (codes as A11–A13) with `data.servers` naming each offender (`{id, status}`).
 * A15 Stop's `type` (the batch example's `HARD`) is accepted, SOFT or HARD, and changes nothing.
 * A16 The action body must hold exactly one known key, else `101.001002` naming `action`; a
 *     single-server body carrying `servers` is refused, as is a batch body without them.
 * A17 `reboot.type` defaults to SOFT; `{"reboot":{}}` and `{"reboot":null}` are SOFT reboots.
 * A18 Console: `type` (novnc|xvpvnc) required; the server must be ACTIVE; the URL is on
 *     `console.staging.inspur.com` (option `consoleHost`) with a fresh one-time token.
 * A19 List Servers: the path's pageNo/pageSize win over the query's page/pageSize (which must be
 *     digits if sent); pageNo ≥ 1, pageSize 1–1000, digits only, else `101.001002`; a page past
 *     the end is empty with the true totalCount.
 * A20 Default order: creation order, oldest first. The document's example asks for
 *     `sortField=createTime&sortOrder=descend` explicitly, so newest first is not the default,
 *     and the wrapper keeps its own records (billing, Keycloak users) in insertion order.
 *     sortField createTime|name|status, sortOrder ascend|descend (ascend by default); anything
 *     else `101.001002`. A client wanting a fixed order should send both.
 * A21 Search: no searchField → searchValue matches a name or id substring, a private-IP
 *     substring or the status; `name` substring, `uuid` exact, `ip` exact; `status`: ''/`all`
 *     everything, `unusual` ERROR servers, a documented status that status, else `101.001002`.
 *     Case-insensitive except ids and IPs.
 * A22 Page numbers page a live view: a server that goes away moves the rows after it up a
 *     place (a pass misses one); one added sorts where its key puts it (newest first: a repeat).
 * A23 Field names as the examples spell them (`regionID`, `image.name`, one `systemType`);
 *     lists and details both carry every table field (nics with network_id and mac_address);
 *     details add keyCloakUserId/keyCloakUserName. `eip.iptype` is `5_bgp`.
 * A24 A server without an elastic IP has `eip: null`; without billing, `feeData: null`.
 * A25 flavor.ram is in GB (the orphan order pairs S1.medium.2 with CPU 2, memory 4); disks GB.
 * A26 Times: server `created` ISO UTC to the second; feeData times `YYYY-MM-DD HH:mm:ss` in
 *     China Standard Time; image times `YYYY-MM-DDTHH:mm:ss.SSS+0000`.
 * A27 Update tags: `tags` from the query string, a form body or a JSON body, a comma-separated
 *     string (anything else `101.001002`); trimmed, empties dropped, duplicates kept once.
 * A28 Tags are replaced as a whole: absent or empty clears them. Seeded servers carry `["ECS"]`.
 * A29 Create image: `tenant_id` is the token's (one sent in the body or query must match);
 *     name 1–255 and description required, metadata optional strings; the server must be
 *     ACTIVE/SHUTOFF/STOPPED with no task, else `101.003011` with its status; the private-image
 *     quota (option `maxPrivateImages`) gives `101.003007`. The image is private, `queued`
 *     (`delays.imageQueueMs`) then `saving` (`delays.imageSaveMs`) then `active`, or `killed`
 *     when its name matches `createErrorNamePattern` or the `createErrorRate` die says so;
 *     tags `[SYSTEMDISK_1, <source system>, ECS]`, `instance_uuid` the server.
 * A30 List Images: the document's JSON parameters are the query string; page 1 and pageSize
 *     10 by default (1–1000); searchValue matches a name or id substring; sortField
 *     createTime|name, oldest first by default (A20); visibility private|public; public images
 *     plus the caller's private ones.
 * A31 Batch delete answers `data.status` "删除成功<n>台,删除失败<m>台" (counting entries).
 * A32 List private images: `tag` is required (`101.001002`); the caller's private images
 *     carrying it, unpaged, with totalCount; their visibility is `private`.
 * A33 Image detail: the flat object, plus `systemDisk` and `instance_uuid`. No code is
 *     documented for a missing image: an unknown (or another tenant's private) image answers
 *     what Glance under the wrapper says, HTTP 404 `{code:"404", message:"镜像<id>不存在"}`
 *     (get, delete, update alike; the HTTP status as the code, as in A3 and A38).
 * A34 An image still queued or saving has size 0, checksum "", no locations, direct_url "".
 * A35 Delete image: a public or protected image `101.003006` (HTTP 500); one a server uses
 *     `101.003015` naming the server; otherwise `pending_delete` for `delays.imageDeleteMs`,
 *     then gone. Deleting a pending_delete image again succeeds.
 * A36 Batch delete: served at `/v1/images/delete` and `/v1/images/action/delete`; body
 *     `{images:[{id}]}`, 1–100; a partial failure is HTTP 200; none deleted is `101.003006`
 *     (HTTP 500) with the summary in data.
 * A37 Update image: a JSON array of `{op: add|replace|remove, path: /name|/description, value}`
 *     as application/json or Glance's json-patch type; queued/saving `101.003016`, public
 *     `101.003017`, pending_delete `101.003005` (HTTP 500); an empty array `101.001002`.
 * A38 Not simulated: the orphan billing payload (no endpoint is given). Framework answers: an
 *     unknown route is 404 `{code:"404"}`; an unreadable body `101.001002` naming `body`.
 * A39 Faults in the envelope: `refuse` keeps the rule's code (default `101.001040` "operation
 *     failed") and status (default 400); http_error/timeout/rate_limit send the HTTP status as
 *     the code; malformed sends broken JSON or a body without the envelope. Per-item rules
 *     (`servers.batch_start.item`…, `images.batch_delete.item`; key = the id) fail one server
 *     (refusing its batch, A14) or count one image as failed (A36).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type Clock,
  type SimConfigPatch,
  type SimEngine,
  createPlatformApp,
  createSimEngine,
  statusText,
} from '../../sim/index.ts';
import { registerActionRoutes } from './simulator-actions.ts';
import { authenticate, type AuthMode } from './simulator-auth.ts';
import { registerBatchRoutes } from './simulator-batch.ts';
import { type InspurContext, sendRefusal } from './simulator-context.ts';
import { registerControlRoutes, seedServer } from './simulator-control.ts';
import { type Language, refusal } from './simulator-errors.ts';
import { seedImages } from './simulator-image-store.ts';
import { registerImageRoutes } from './simulator-images.ts';
import { renderStatus } from './simulator-render.ts';
import {
  DEMO_IMAGES,
  DEMO_SERVERS,
  DEMO_TENANT,
  DEMO_TOKEN,
  type InspurImageSeed,
  type InspurServerSeed,
  type InspurTenant,
} from './simulator-seed.ts';
import { registerServerRoutes } from './simulator-servers.ts';
import { neutralOfStatus } from './simulator-status.ts';

export * from './simulator-seed.ts';
export { INSPUR_SERVER_STATUSES, INSPUR_TASK_STATES, type InspurServerStatus } from './simulator-status.ts';
export type { AuthMode } from './simulator-auth.ts';

export interface InspurEcsSimulatorOptions {
  seed?: number;
  clock?: Clock;
  /** Delays include this simulator's own `imageQueueMs`, `imageSaveMs`, `imageDeleteMs`. */
  config?: SimConfigPatch;
  logger?: boolean;
  /** Prefix of the control API. Default `/_sim`. */
  controlPrefix?: string;
  /** A2. Default `token`. */
  auth?: AuthMode;
  /** token → tenant id. Default `{ [DEMO_TOKEN]: DEMO_TENANT.id }`. */
  tokens?: Record<string, string>;
  /** Header carrying the token; default `authorization` (with the Bearer scheme). */
  tokenHeader?: string;
  /** Default `[DEMO_TENANT]`; the first is the tenant of `auth: 'any' | 'none'`. */
  tenants?: InspurTenant[];
  /** Servers present at start and after each reset. Default DEMO_SERVERS. */
  servers?: readonly InspurServerSeed[];
  /** Images present at start and after each reset. Default DEMO_IMAGES. */
  images?: readonly InspurImageSeed[];
  /** A6. Default `zh`. */
  language?: Language;
  /** A8. Default `lower`. */
  statusCase?: 'lower' | 'upper';
  /** A18. Default `console.staging.inspur.com`. */
  consoleHost?: string;
  /** A29: private images a tenant may hold; default unlimited. */
  maxPrivateImages?: number | null;
}

export interface InspurEcsSimulator {
  app: FastifyInstance;
  engine: SimEngine;
  tenants: readonly InspurTenant[];
  /** token → tenant id, as seeded. */
  tokens: Readonly<Record<string, string>>;
  defaultTenantId: string;
}

const readJson = (body: string): unknown => (body === '' ? undefined : JSON.parse(body));

/**
 * Builds the simulator (it does not listen: serve `app` with `startSimulator`). As seeded, the
 * demo tenant (DEMO_TENANT) answers `Authorization: Bearer <DEMO_TOKEN>` and holds DEMO_SERVERS
 * and the private image of DEMO_IMAGES; `POST /_sim/reset` restores exactly that.
 */
export function createInspurEcsSimulator(options: InspurEcsSimulatorOptions = {}): InspurEcsSimulator {
  const engine = createSimEngine({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const tenants = options.tenants ?? [DEMO_TENANT];
  const defaultTenant = tenants[0] ?? DEMO_TENANT;
  const tokens = options.tokens ?? { [DEMO_TOKEN]: defaultTenant.id };
  const language = options.language ?? 'zh';

  const seedAll = (): void => {
    for (const [token, tenant] of Object.entries(tokens)) engine.tokens.addStatic(token, tenant);
    seedImages(engine, options.images ?? DEMO_IMAGES);
    for (const s of options.servers ?? DEMO_SERVERS) seedServer(engine, s, defaultTenant.id);
  };
  seedAll();
  engine.onReset(seedAll);

  const callers = new WeakMap<FastifyRequest, InspurTenant>();
  const ctx: InspurContext = {
    engine,
    tenants,
    language,
    statusCase: options.statusCase ?? 'lower',
    consoleHost: options.consoleHost ?? 'console.staging.inspur.com',
    maxPrivateImages: options.maxPrivateImages ?? null,
    tenantOf: (req) => {
      const t = callers.get(req);
      if (!t) throw new Error('tenantOf() on an unauthenticated request');
      return t;
    },
  };

  const app = createPlatformApp({
    engine,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    parsers: {
      'application/json': readJson,
      // A37: Glance's patch media type carries the same JSON.
      'application/openstack-images-v2.1-json-patch': readJson,
      // A27: update tags may come as a form.
      'application/x-www-form-urlencoded': (body) => Object.fromEntries(new URLSearchParams(body)),
    },
    // A38, A39: framework answers and injected faults in the envelope.
    renderError: (e) => {
      if (e.kind === 'invalid')
        return { code: '101.001002', message: refusal('param', language, 'body').message, data: null };
      const code = e.code ?? (e.kind === 'refuse' ? '101.001040' : String(e.status));
      const message = e.message ?? (e.kind === 'refuse' ? refusal('failed', language).message : statusText(e.status));
      return { code, message, data: null };
    },
    errorStatus: (e) => (e.kind === 'invalid' ? 400 : e.status),
    renderMalformed: (mode) =>
      mode === 'invalid_json'
        ? '{"code":200,"message":"OK","data":{"servers":[{"id":"9168b5'
        : '{"unexpected":true,"data":"not-an-object"}',
    routes(platform) {
      platform.addHook('preHandler', async (req, reply) => {
        const who = authenticate(engine, req, {
          mode: options.auth ?? 'token',
          header: (options.tokenHeader ?? 'authorization').toLowerCase(),
          tenants,
          defaultTenant,
        });
        if (!who.ok) return sendRefusal(reply, { http: 401, code: '401', message: who.message });
        callers.set(req, who.tenant);
      });
      registerServerRoutes(platform, ctx);
      registerBatchRoutes(platform, ctx);
      registerActionRoutes(platform, ctx);
      registerImageRoutes(platform, ctx);
    },
    control: {
      ...(options.controlPrefix ? { prefix: options.controlPrefix } : {}),
      platformStatus: (inst) => renderStatus(ctx, inst),
      stateOfRawStatus: neutralOfStatus,
      extend: (control) => registerControlRoutes(control, engine, defaultTenant.id),
    },
  });

  return { app, engine, tenants, tokens, defaultTenantId: defaultTenant.id };
}
