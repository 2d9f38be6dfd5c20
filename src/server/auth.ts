/**
 * Bearer API keys on every /v1 route. A route states the scope it needs in
 * its config; a /v1 route that forgot to say is treated as admin-only, so a
 * missing declaration fails closed. 401: no or unknown key; 403: the key is
 * valid but lacks the scope.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../domain/errors.ts';
import { grants, type Principal, type Scope } from '../domain/scopes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API key needs for this route; omit for public routes outside /v1. */
    scope?: Scope;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface Authenticator {
  authenticate(key: string): Promise<Principal | null>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const challenge = { 'www-authenticate': 'Bearer realm="cloudplane"' };

export const authPlugin = fp<{ authenticator: Authenticator }>(
  async (app: FastifyInstance, { authenticator }) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (req) => {
      const route = req.routeOptions.url;
      if (route === undefined) return; // unknown route: the 404 handler answers
      const needed = req.routeOptions.config.scope ?? (route.startsWith('/v1') ? 'admin' : undefined);
      if (!needed) return;

      const header = req.headers.authorization;
      if (!header)
        throw new ApiError(
          'unauthorized',
          'send an API key as "Authorization: Bearer <key>"',
          {},
          { headers: challenge },
        );
      const match = BEARER.exec(header);
      if (!match)
        throw new ApiError(
          'unauthorized',
          'the Authorization header must use the Bearer scheme',
          {},
          { headers: challenge },
        );
      const principal = await authenticator.authenticate(match[1]!);
      if (!principal)
        throw new ApiError('unauthorized', 'the API key is unknown or revoked', {}, { headers: challenge });
      if (!grants(principal.scopes, needed)) {
        throw new ApiError('forbidden', `this operation needs the "${needed}" scope`, { requiredScope: needed });
      }
      req.principal = principal;
    });
  },
  { name: 'auth' },
);
