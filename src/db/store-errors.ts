/**
 * Tells a store outage (PostgreSQL or Redis unreachable, a connection cut,
 * a pool that cannot hand out a connection in time) from every other
 * error. An outage is an expected event: requests answer 503 with
 * Retry-After, the engine retries its round later, nothing is logged as a
 * bug. Anything else keeps its usual treatment.
 */

export type Store = 'postgres' | 'redis';

/** Prisma's codes for "cannot reach / lost the database" (P1xxx connection family, P2024 pool timeout). */
const PRISMA_OUTAGE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** What the pg driver adapter reports as the kind of a failure that is the connection's, not the query's. */
const ADAPTER_OUTAGE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (the server is shutting
 * down, crashed or starting), 53300 (too many connections).
 */
const PG_OUTAGE = /^(08...|57P0[123]|53300)$/;
/** pg-pool and pg say these when a pooled connection dies under a query (Prisma passes them on as they are). */
const PG_MESSAGES = [
  /Connection terminated/,
  /Client has encountered a connection error/,
  /timeout exceeded when trying to connect/,
  /Can't reach database server/,
];
/** ioredis says these when a command cannot be sent or its connection went away. */
const REDIS_MESSAGES = [/Stream isn't writeable/, /Connection is closed/, /Reached the max retries per request/];

/** Raised by our own bounded waits on a store (see withStoreTimeout). */
export class StoreTimeoutError extends Error {
  constructor(
    readonly store: Store,
    what: string,
    ms: number,
  ) {
    super(`${store} did not answer ${what} within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** A store connection that failed under a query we sent ourselves (not through Prisma, which names its own). */
export class StoreConnectionError extends Error {
  constructor(
    readonly store: Store,
    cause: unknown,
  ) {
    super(`${store} connection failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreConnectionError';
  }
}

interface Inspectable {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
  cause?: unknown;
}

function classify(e: Inspectable): Store | null {
  if (e instanceof StoreTimeoutError || e instanceof StoreConnectionError) return e.store;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (name.startsWith('PrismaClient')) {
    if (PRISMA_OUTAGE.has(code) || name === 'PrismaClientInitializationError') return 'postgres';
    const cause = e.meta?.driverAdapterError?.cause;
    if (cause && typeof cause.kind === 'string' && ADAPTER_OUTAGE_KINDS.has(cause.kind)) return 'postgres';
    const sqlState = cause?.originalCode ?? cause?.code;
    if (typeof sqlState === 'string' && PG_OUTAGE.test(sqlState)) return 'postgres';
    return null;
  }
  if (name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((m) => m.test(message))) return 'redis';
  if (PG_MESSAGES.some((m) => m.test(message))) return 'postgres';
  if (PG_OUTAGE.test(code) && 'severity' in e) return 'postgres';
  return null;
}

/** The store an error says is unreachable, following `cause` chains; null when it is some other error. */
export function storeOutage(err: unknown): Store | null {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const found = classify(e as Inspectable);
    if (found) return found;
    e = (e as Inspectable).cause;
  }
  return null;
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/** A failure to reach whatever the caller was talking to (a refused or cut socket), or a known store outage. */
export function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return storeOutage(err) !== null || (typeof code === 'string' && SOCKET_CODES.has(code));
}

/** Awaits `work`, failing with StoreTimeoutError after `ms` (the work itself is not cancelled). */
export async function withStoreTimeout<T>(store: Store, what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreTimeoutError(store, what, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
