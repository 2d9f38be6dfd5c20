/**
 * Named leases in Redis, shared by every process: `take(name, ms)` is true
 * for exactly one caller until the lease runs out. For periodic work that
 * one replica should do per period (an account's orphan audit), not for
 * mutual exclusion of critical sections: a lease that runs out while its
 * holder still works is simply taken by the next one.
 */
import type { Redis } from 'ioredis';

export function createLeases(redis: Redis, prefix: string) {
  return {
    async take(name: string, ms: number): Promise<boolean> {
      return (await redis.set(`${prefix}:lease:${name}`, String(process.pid), 'PX', ms, 'NX')) === 'OK';
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
