/**
 * H3C CloudOS simulator: a Fastify app speaking the compute wire of the H3C CloudOS API
 * document (seed 003, catalog ../shared/providers/h3c-cloudos*.md) on the shared sim engine.
 * An independent reading of the document: it imports nothing of the adapter.
 *
 * Ambiguities of the document and the choice made here (A<n>; same numbering used in the
 * route modules' comments):
 * A1  Token: not documented. Keystone v3 password login at `POST /v3/auth/tokens` (gateway
 *     root, not a /os/... prefix) answers 201, token in `X-Subject-Token`, body
 *     `{token:{expires_at,…}}`. Configured static tokens are accepted too. Every other call
 *     needs `X-Auth-Token`; missing, unknown or expired → 401 in the H3C error shape.
 * A2  Login failures (unknown user, wrong password, project not allowed) → 401, malformed
 *     login body → 400, all in the H3C error shape (not Keystone's `{error:{…}}`).
 * A3  `links[].href` point at an internal Nova host (172.25.80.30:9000) as in the examples.
 * A4  Status strings: BUILD (creating), ACTIVE (running; also while stopping, task_state
 *     `powering-off`), SHUTOFF (stopped; also while starting, task_state `powering-on`),
 *     REBOOT / HARD_REBOOT (rebooting by type), DELETED (deleting, until it 404s), ERROR.
 *     The control API can force any upstream Nova status (simulator-status.ts).
 * A5  Server `created` is epoch ms (number) as in the example; `updated` is ISO without ms.
 * A6  Flavor numbers are strings (`ram:"16384"`, `swap:""`) as in the examples; a single
 *     flavor is wrapped in `flavor`.
 * A7  Server lists are newest first (Nova's default created_at desc); `marker` is the id of
 *     the last server of the previous page; an unknown marker → 400.
 * A8  Page size is capped at 1,000 (Nova osapi_max_limit); a full page carries Nova's
 *     `servers_links: [{rel:"next", href}]`.
 * A9  Server name: letters, digits, '-', starting with a letter, not ending with '-', 1–63.
 * A10 String flags stay strings: `enable_gateway` "true"/"false", `enableAdminPass` "0"/"1";
 *     a boolean there → 400. All ✓-marked create fields are required (networks,
 *     security_groups, metadata.user_name/zone_uuid/enableAdminPass, availability_zone).
 * A11 Create metadata may carry extra string keys (≤255 chars) beside the documented ones;
 *     they are returned in `metadata` (a creation marker can live there or in the name).
 * A12 `availability_zone` must start with the name of the AZ whose id is `metadata.zone_uuid`
 *     (`zone` or `zone:host[:cvk]`); unknown image/flavor/zone/network/security group/key
 *     → 400 with Nova-like messages.
 * A13 Optional per-project instance quota → 403 "Quota exceeded…"; errors carry `code` =
 *     the HTTP status as a string unless a fault rule gives a platform code.
 * A14 The brief list (SV-1) takes the same filters/paging as the detail list (SV-3):
 *     `name` (regex), `status`, `image`, `flavor`, `host` (regex), `changes-since`, `limit`, `marker`.
 * A15 Console answer key is `url` (the document's `URI` is its url→URI corruption);
 *     `consoleUrlKey: 'URI'` switches it. Console of a non-ACTIVE server → 409.
 * A16 Keypair get/delete use `/keypairs/{name}` as documented; keypairs are per project.
 * A17 A single image is a flat Glance object; image lists honour `limit`, `owner`, `marker`.
 * A18 Keypair create without `public_key` returns a generated `private_key` once.
 * A19 `{tenant_id}` in a path other than the token's project → 403; unknown server → 404
 *     `Instance … could not be found.`; an action not allowed in the state → 409
 *     `Cannot '<action>' instance … while it is in vm_state …`; repeat delete while deleting → 204.
 * A20 Not simulated (answer 400 "not simulated"): resize, liveresize, createImage.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type Clock,
  type SimConfigPatch,
  type SimEngine,
  type TokenInfo,
  createPlatformApp,
  createSimEngine,
  statusText,
} from '../../sim/index.ts';
import { registerActionRoutes } from './simulator-actions.ts';
import { registerAuthRoutes } from './simulator-auth.ts';
import { registerCatalogRoutes } from './simulator-catalog.ts';
import { type H3cContext, fail, h3cError } from './simulator-context.ts';
import {
  DEFAULT_CATALOG,
  DEFAULT_PROJECT,
  DEFAULT_STATIC_TOKEN,
  DEFAULT_USER,
  type H3cCatalogSeed,
  type H3cProject,
  type H3cUser,
  seedH3cCatalog,
} from './simulator-seed.ts';
import { registerServerRoutes } from './simulator-servers.ts';
import { neutralOfStatus, statusOf } from './simulator-status.ts';

export { H3C_SERVER_STATUSES, type H3cServerStatus } from './simulator-status.ts';
export { DEFAULT_CATALOG, DEFAULT_PROJECT, DEFAULT_STATIC_TOKEN, DEFAULT_USER } from './simulator-seed.ts';
export type { H3cCatalogSeed, H3cProject, H3cUser } from './simulator-seed.ts';

export interface H3cSimulatorOptions {
  seed?: number;
  clock?: Clock;
  config?: SimConfigPatch;
  /** token -> project id. Default: `h3c-static-token` for the default project. */
  staticTokens?: Record<string, string>;
  projects?: H3cProject[];
  users?: H3cUser[];
  /** Lifetime of login tokens. Default 1 h (Keystone's default). */
  tokenTtlMs?: number;
  catalog?: Partial<H3cCatalogSeed>;
  consoleUrlKey?: 'url' | 'URI';
  maxInstancesPerTenant?: number | null;
  /** Prefix of the control API. Default `/_sim`. */
  controlPrefix?: string;
  logger?: boolean;
}

export interface H3cSimulator {
  app: FastifyInstance;
  engine: SimEngine;
  projects: H3cProject[];
  users: H3cUser[];
  catalog: H3cCatalogSeed;
  defaultProjectId: string;
  staticTokens: Record<string, string>;
}

export function createH3cSimulator(options: H3cSimulatorOptions = {}): H3cSimulator {
  const engine = createSimEngine({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const projects = options.projects ?? [DEFAULT_PROJECT];
  const users = options.users ?? [DEFAULT_USER];
  const defaultProjectId = (projects[0] ?? DEFAULT_PROJECT).id;
  const staticTokens = options.staticTokens ?? { [DEFAULT_STATIC_TOKEN]: defaultProjectId };
  const catalog: H3cCatalogSeed = { ...DEFAULT_CATALOG, ...options.catalog };

  const seedAll = (): void => {
    seedH3cCatalog(engine, catalog);
    for (const [token, tenant] of Object.entries(staticTokens)) engine.tokens.addStatic(token, tenant, DEFAULT_USER.id);
  };
  seedAll();
  engine.onReset(seedAll);

  const callers = new WeakMap<FastifyRequest, TokenInfo>();
  const ctx: H3cContext = {
    engine,
    projects,
    users,
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    consoleUrlKey: options.consoleUrlKey ?? 'url',
    maxInstancesPerTenant: options.maxInstancesPerTenant ?? null,
    caller: (req) => {
      const info = callers.get(req);
      if (!info) throw new Error('caller() on an unauthenticated request');
      return info;
    },
  };

  // The document requires Content-Type: application/json on every call, bodiless DELETEs included:
  // the skeleton's JSON parser reads an empty body as none.
  const app = createPlatformApp({
    engine,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    renderError: (e) => h3cError(e.status, e.message ?? statusText(e.status), e.code),
    routes(platform) {
      platform.addHook('preHandler', async (req, reply) => {
        if (req.routeOptions.url === '/v3/auth/tokens') return;
        const check = engine.tokens.verify(req.headers['x-auth-token'] as string | undefined);
        if (!check.ok)
          return fail(
            reply,
            401,
            check.reason === 'expired'
              ? 'The token has expired.'
              : 'The request you have made requires authentication.',
          );
        callers.set(req, check.info);
        const tenant = (req.params as { tenant_id?: string }).tenant_id;
        if (tenant !== undefined && tenant !== check.info.tenant)
          return fail(reply, 403, `Project ${tenant} does not match the token's project.`);
      });
      registerAuthRoutes(platform, ctx);
      registerServerRoutes(platform, ctx);
      registerActionRoutes(platform, ctx);
      registerCatalogRoutes(platform, ctx);
    },
    control: {
      ...(options.controlPrefix ? { prefix: options.controlPrefix } : {}),
      platformStatus: statusOf,
      stateOfRawStatus: neutralOfStatus,
    },
  });

  return { app, engine, projects, users, catalog, defaultProjectId, staticTokens };
}
