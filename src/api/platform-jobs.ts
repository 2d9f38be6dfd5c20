/**
 * Platform work the API starts and a client follows: a network sync
 * (platforms that keep their own copy of the cloud's networks) answers 202
 * with the platform's job, and the job is read back by id. The job is the
 * platform's: Cloudplane records nothing of it, so it can be followed for as
 * long as the platform keeps it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountProviders } from '../inventory/account-providers.ts';

const AccountParams = z.object({ id: z.uuid() });
const JobParams = AccountParams.extend({ jobId: z.string().min(1).max(512) });
const SyncBody = z.object({ region: z.string().min(1).optional() }).default({});
const PlatformJob = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'succeeded', 'failed']),
    providerCode: z.string().optional(),
    providerMessage: z.string().optional(),
  })
  .meta({ id: 'PlatformJob' });

export const platformJobRoutes: FastifyPluginAsyncZod<{ providers: AccountProviders }> = async (app, { providers }) => {
  app.post(
    '/v1/accounts/:id/sync-networks',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'syncAccountNetworks',
        tags: ['networks'],
        summary: "Re-read the account's networks from the cloud behind its platform",
        description:
          'For platforms that keep their own copy of the cloud’s VPCs, subnets and security groups. Answers 202 with the platform job; follow it at `Location`. 501 on platforms without one.',
        params: AccountParams,
        body: SyncBody,
        response: { 202: PlatformJob },
        contract: { platform: true, headers: { 202: ['location', 'retry-after'] } },
      },
    },
    async (req, reply) => {
      const { provider } = await providers.resolve(req.params.id);
      const { jobId } = await provider.syncNetworks(req.body ?? {});
      const job = await provider.getJob(jobId);
      reply
        .code(202)
        .header('location', `/v1/accounts/${req.params.id}/jobs/${encodeURIComponent(jobId)}`)
        .header('retry-after', '2');
      return { id: jobId, state: job.state, providerCode: job.providerCode, providerMessage: job.providerMessage };
    },
  );

  app.get(
    '/v1/accounts/:id/jobs/:jobId',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getAccountJob',
        tags: ['networks'],
        summary: 'A platform job started through this API, as the platform reports it now',
        params: JobParams,
        response: { 200: PlatformJob },
        contract: { platform: true },
      },
    },
    async (req) => {
      const { provider } = await providers.resolve(req.params.id);
      const job = await provider.getJob(req.params.jobId);
      return {
        id: req.params.jobId,
        state: job.state,
        providerCode: job.providerCode,
        providerMessage: job.providerMessage,
      };
    },
  );
};
