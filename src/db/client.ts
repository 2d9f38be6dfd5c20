/** Prisma Client over the pg driver adapter: no native engine, pure JavaScript. */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface DbOptions {
  databaseUrl: string;
  /** Connections in this process's pool. */
  poolSize?: number;
}

export function createPrisma({ databaseUrl, poolSize = 10 }: DbOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}

export type { PrismaClient };
