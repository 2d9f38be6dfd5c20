/**
 * A small HTTP listener for a process that serves no API (the worker role):
 * GET /metrics (same token rule as the API's) and GET /healthz, nothing else.
 */
import Fastify, { LogController } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { metricsPlugin } from './metrics.ts';
import { problemsPlugin } from './problems.ts';

export interface MetricsListenerOptions {
  registry: Registry;
  host: string;
  /** 0 picks a free port (logged). */
  port: number;
  token?: string | undefined;
  logger: Logger;
}

export async function startMetricsListener(opts: MetricsListenerOptions) {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'metrics-listener' }),
    // Scrapes arrive every few seconds; their access lines would drown the worker's own.
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(problemsPlugin, {});
  await app.register(metricsPlugin, { registry: opts.registry, token: opts.token });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const address = await app.listen({ host: opts.host, port: opts.port });
  opts.logger.info({ url: `${address}/metrics` }, 'metrics listening');
  return { address, close: () => app.close() };
}
