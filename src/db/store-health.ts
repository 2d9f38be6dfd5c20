/**
 * Whether PostgreSQL and Redis are reachable, as this process last saw
 * them. A failure that is a store outage marks the store down and logs it
 * once; while it is down a probe runs every `probeMs`, and the first probe
 * that succeeds marks it up again, logs how long it was away, and tells the
 * listeners (the worker's sweeper repairs at once instead of at its next
 * tick). So the time from "store back" to "work resumed" is bounded by
 * `probeMs`, not by the backoff of whatever happened to fail last.
 */
import type { Logger } from '../logger.ts';
import { storeOutage, type Store } from './store-errors.ts';

export interface StoreHealthOptions {
  logger: Logger;
  /** One cheap round trip per store (SELECT 1, PING). */
  probes: Record<Store, () => Promise<unknown>>;
  probeMs: number;
}

export function createStoreHealth(opts: StoreHealthOptions) {
  const downSince = new Map<Store, number>();
  const timers = new Map<Store, NodeJS.Timeout>();
  const listeners: Array<(store: Store) => void> = [];
  let closed = false;

  function markUp(store: Store) {
    const since = downSince.get(store);
    if (since === undefined) return;
    downSince.delete(store);
    clearInterval(timers.get(store));
    timers.delete(store);
    opts.logger.info({ store, downMs: Date.now() - since }, `${store} is reachable again`);
    for (const l of listeners) l(store);
  }

  function markDown(store: Store, err: unknown) {
    if (downSince.has(store) || closed) return;
    downSince.set(store, Date.now());
    opts.logger.warn({ store, err: err instanceof Error ? err.message : String(err) }, `${store} is unreachable`);
    let probing = false;
    const timer = setInterval(() => {
      if (probing) return;
      probing = true;
      opts.probes[store]()
        .then(() => markUp(store))
        .catch(() => undefined)
        .finally(() => (probing = false));
    }, opts.probeMs);
    timer.unref();
    timers.set(store, timer);
  }

  return {
    /** Records an error; true when it was a store outage (the caller then stays quiet about it). */
    report(err: unknown): boolean {
      const store = storeOutage(err);
      if (!store) return false;
      markDown(store, err);
      return true;
    },
    /** An error a connection of this store emitted: every such error is about reaching it. */
    connectionError(store: Store, err: unknown) {
      markDown(store, err);
    },
    isDown: (store: Store) => downSince.has(store),
    /** Called each time a store comes back. */
    onBack(listener: (store: Store) => void) {
      listeners.push(listener);
    },
    close() {
      closed = true;
      for (const t of timers.values()) clearInterval(t);
      timers.clear();
    },
  };
}

export type StoreHealth = ReturnType<typeof createStoreHealth>;
