/** An API (or `all`) process on a test file's database and Redis prefix, started and waited for. */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { vi } from 'vitest';
import type { Isolated } from '../support/context.ts';
import { freePort } from '../support/private-stores.ts';
import { spawnRole, type RoleProcess } from '../support/processes.ts';

export const adminKey = () => `cpk_ops_${randomBytes(12).toString('hex')}`;

/** The environment a role needs to share the file's stores. */
export function roleEnv(iso: Isolated, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DATABASE_URL: iso.config.databaseUrl,
    REDIS_URL: iso.config.redisUrl,
    CLOUDPLANE_REDIS_PREFIX: iso.config.redisPrefix,
    CLOUDPLANE_SECRET_KEY: iso.config.secretKey.toString('hex'),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export async function untilHealthy(url: string, process: { output: () => string }) {
  await vi.waitFor(
    async () => {
      const res = await request(`${url}/healthz`).catch(() => null);
      await res?.body.dump();
      if (res?.statusCode !== 200) throw new Error(`not up yet:\n${process.output().slice(-2_000)}`);
    },
    { timeout: 30_000, interval: 100 },
  );
}

export async function startApiProcess(
  iso: Isolated,
  extra: Record<string, string>,
): Promise<RoleProcess & { url: string }> {
  const port = await freePort();
  const p = spawnRole('api', roleEnv(iso, { PORT: String(port), ...extra }));
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, p);
  return { ...p, url };
}
