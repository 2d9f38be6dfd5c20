/** Prisma Client over the pg driver adapter: no native engine, pure JavaScript. */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { StoreConnectionError } from './store-errors.ts';

export interface DbOptions {
  databaseUrl: string;
  /** Connections in this process's pool. */
  poolSize?: number;
}

const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma({ databaseUrl, poolSize = 10 }: DbOptions): PrismaClient {
  // Our own pool, handed to the adapter (and closed with the client), so readRows can use it too.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The rows of one constant statement, for the few reads served thousands of times a second: sent
 * straight to the client's pool as a named statement (each connection parses and plans it once).
 * Through Prisma, its own work per query and PostgreSQL's parse and plan were most of such a read's
 * cost (bench/README.md). A connection that fails is a store outage, as Prisma's would be.
 * `text` is built from constant fragments only (one text per name): every value travels in `values`.
 */
export async function readRows<T extends pg.QueryResultRow>(
  prisma: PrismaClient,
  statement: { name: string; text: string },
  values: unknown[],
): Promise<T[]> {
  const pool = pools.get(prisma);
  if (!pool) return prisma.$queryRawUnsafe<T[]>(statement.text, ...values);
  try {
    return (await pool.query<T>({ ...statement, values })).rows;
  } catch (err) {
    // The server's own answers (SQL errors) carry a severity; anything else is the connection's.
    throw err instanceof Error && 'severity' in err ? err : new StoreConnectionError('postgres', err);
  }
}

/**
 * The columns of a readRows statement, each named (`table` is the statement's alias for it). The
 * statements are prepared, and PostgreSQL refuses to run a prepared `*` again once a migration
 * adds a column ("cached plan must not change result type"): a replica still on the old version
 * would answer errors on every connection that had prepared it.
 */
export const columnList = (columns: readonly string[], table?: string) =>
  columns.map((c) => (table ? `${table}."${c}"` : `"${c}"`)).join(', ');

export type { PrismaClient };
