/**
 * The optional bearer token (A1): `Authorization: Bearer <token>` names the organization a
 * call acts for; without it a call acts for the first organization unless a token is
 * required. Also lands region syncs that came due (A20) before any handler reads networks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BxCaller, BxContext } from './simulator-context.ts';
import { landSyncs } from './simulator-network-store.ts';

export function installAuth(
  platform: FastifyInstance,
  ctx: BxContext,
  defaultOrg: string,
  callers: WeakMap<FastifyRequest, BxCaller>,
): void {
  platform.addHook('preHandler', async (req, reply) => {
    const header = req.headers.authorization;
    let caller: BxCaller;
    if (header === undefined) {
      if (ctx.state.requireToken) return ctx.fail(reply, 401);
      caller = { org: defaultOrg, user: '' };
    } else {
      const check = ctx.engine.tokens.verify(/^Bearer\s+(\S+)$/i.exec(header)?.[1]);
      if (!check.ok) return ctx.fail(reply, 401);
      caller = { org: check.info.tenant, user: check.info.user };
    }
    callers.set(req, caller);
    landSyncs(ctx);
  });
}
