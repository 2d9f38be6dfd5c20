/**
 * Runs `work` over `items` with at most `concurrency` at once, in order of the list. The first
 * failure stops new work and is thrown once every lane has ended, so nothing keeps running behind
 * a caller that already gave up.
 */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane),
  );
  const first = lanes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (first) throw first.reason;
}

/**
 * The same over an async source read as the lanes need it (pages read by keyset): at most
 * `concurrency` items in hand at once, so memory follows the lanes, not the source's length.
 */
export async function forEachLimitedAsync<T>(
  source: AsyncIterator<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  const it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source;
  let failed = false;
  let ended = false;
  const lane = async () => {
    while (!failed && !ended) {
      try {
        // An async generator queues concurrent next() calls: each lane gets its own item.
        const next = await it.next();
        if (next.done) {
          ended = true;
          return;
        }
        await work(next.value);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, lane));
  const first = lanes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (first) {
    await it.return?.();
    throw first.reason;
  }
}
