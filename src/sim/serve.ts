/** Starts any simulator app on 127.0.0.1, port 0 by default, for tests, demos and benchmarks. */
import type { FastifyInstance } from 'fastify';

export interface RunningSimulator {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

export async function startSimulator(
  app: FastifyInstance,
  opts: { host?: string; port?: number } = {},
): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('simulator did not bind a TCP port');
  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://${host}:${address.port}`,
    port: address.port,
    close: () => (closed ??= app.close()),
  };
}
