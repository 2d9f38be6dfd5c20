/**
 * Token handling of the H3C simulator (A1, A2): a static token per project, or a Keystone v3
 * password login at `POST /v3/auth/tokens` answering 201 with `X-Subject-Token`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type H3cContext, fail, invalidInput } from './simulator-context.ts';
import type { H3cProject } from './simulator-seed.ts';

const DomainRef = z.union([z.object({ name: z.string().min(1) }), z.object({ id: z.string().min(1) })]);

const LoginBody = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).refine((m) => m.includes('password'), 'methods must include "password"'),
      password: z.object({
        user: z.object({ name: z.string().min(1), domain: DomainRef, password: z.string() }),
      }),
    }),
    scope: z.object({
      project: z.object({ name: z.string().min(1), domain: DomainRef }),
    }),
  }),
});

// Keystone's default domain has id `default` and name `Default`; accept either spelling.
function sameDomain(ref: { name: string } | { id: string }, domain: string | undefined): boolean {
  const d = (domain ?? 'Default').toLowerCase();
  return ('name' in ref ? ref.name : ref.id).toLowerCase() === d;
}

export function registerAuthRoutes(app: FastifyInstance, ctx: H3cContext): void {
  app.post('/v3/auth/tokens', { config: { simOp: 'auth.login' } }, async (req, reply) => {
    const parsed = LoginBody.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, invalidInput(parsed.error));
    const { user: u } = parsed.data.auth.identity.password;
    const scope = parsed.data.auth.scope.project;
    const user = ctx.users.find((x) => x.name === u.name && sameDomain(u.domain, x.domain));
    // Same answer for an unknown user and a wrong password: no user enumeration.
    if (!user || user.password !== u.password)
      return fail(reply, 401, 'The request you have made requires authentication.');
    const project: H3cProject | undefined = ctx.projects.find(
      (p) => p.name === scope.name && sameDomain(scope.domain, p.domain),
    );
    if (!project || !user.projects.includes(project.name))
      return fail(reply, 401, `User ${user.id} has no access to project ${scope.name}`);
    const info = ctx.engine.tokens.issue({ tenant: project.id, user: user.id, ttlMs: ctx.tokenTtlMs });
    const domain = { id: 'default', name: 'Default' };
    return reply
      .code(201)
      .header('X-Subject-Token', info.token)
      .send({
        token: {
          methods: ['password'],
          expires_at: new Date(info.expiresAt ?? 0).toISOString(),
          issued_at: new Date(info.issuedAt).toISOString(),
          user: { id: user.id, name: user.name, domain },
          project: { id: project.id, name: project.name, domain },
          roles: [{ id: 'a6b2c9e1f3d44e6f8a0b1c2d3e4f5a6b', name: 'admin' }],
        },
      });
  });
}
