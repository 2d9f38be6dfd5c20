/** What platforms this deployment speaks to, and what each can do. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProviderInfo } from '../domain/providers.ts';
import { providerInfos } from '../providers/registry.ts';

export const providerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/providers',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'listProviders',
        tags: ['providers'],
        summary: 'Provider kinds and their capabilities',
        description: 'An operation missing from `capabilities` answers 501 for accounts of that kind.',
        response: { 200: z.object({ items: z.array(ProviderInfo) }) },
      },
    },
    async () => ({ items: providerInfos() }),
  );
};
