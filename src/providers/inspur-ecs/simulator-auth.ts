/**
 * Who is calling (A2, A3). The document names no auth scheme; its hints (Keycloak user ids in
 * server details, a JWT in the orphan payload, a tenant_id with no location) point at a bearer
 * token that carries the tenant. Tokens are the engine's: static ones never expire, issued
 * ones (control API) do.
 */
import type { FastifyRequest } from 'fastify';
import type { SimEngine } from '../../sim/index.ts';
import type { InspurTenant } from './simulator-seed.ts';

/** `token`: a known token is required; `any`: any non-empty token; `none`: no token needed. */
export type AuthMode = 'token' | 'any' | 'none';

export type Caller = { ok: true; tenant: InspurTenant } | { ok: false; message: string };

function tokenOf(req: FastifyRequest, header: string): string | undefined {
  const raw = req.headers[header];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  const bearer = /^Bearer\s+(\S.*)$/i.exec(value);
  // The Authorization header needs its scheme; a header of the account's choosing may carry the bare token.
  if (header === 'authorization') return bearer?.[1];
  return bearer?.[1] ?? value;
}

export function authenticate(
  engine: SimEngine,
  req: FastifyRequest,
  opts: { mode: AuthMode; header: string; tenants: readonly InspurTenant[]; defaultTenant: InspurTenant },
): Caller {
  const tenantById = (id: string): InspurTenant =>
    opts.tenants.find((t) => t.id === id) ?? { id, name: id, userId: id, userName: id };
  const token = tokenOf(req, opts.header);
  const check = engine.tokens.verify(token);
  if (check.ok) return { ok: true, tenant: tenantById(check.info.tenant) };
  if (opts.mode === 'none' || (opts.mode === 'any' && token)) return { ok: true, tenant: opts.defaultTenant };
  if (check.reason === 'expired') return { ok: false, message: 'Unauthorized: the token has expired' };
  return {
    ok: false,
    message: token ? 'Unauthorized: the token is not valid' : 'Unauthorized: a bearer token is required',
  };
}
