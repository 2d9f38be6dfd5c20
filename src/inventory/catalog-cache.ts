/**
 * Catalogs (zones, instance types, images, regions) change rarely and are
 * read often (every template validation): cached per process for a short
 * TTL; `?refresh=true` bypasses it. Concurrent misses share one call.
 */
export function createCatalogCache(ttlMs: number) {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  return {
    async get<T>(key: string, load: () => Promise<T>, refresh = false): Promise<T> {
      const hit = entries.get(key);
      if (!refresh && hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
      const value = load();
      entries.set(key, { at: Date.now(), value });
      // A failed load must not be served from the cache.
      value.catch(() => entries.get(key)?.value === value && entries.delete(key));
      return value;
    },
    forget(prefix: string) {
      for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
    },
  };
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;
