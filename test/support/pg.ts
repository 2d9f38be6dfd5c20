/** Helpers to create and drop the per-run and per-file test databases. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';

const base = new URL(loadConfig().databaseUrl);

export const runId = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export function databaseUrlFor(name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

export async function cloneDatabase(template: string, name: string): Promise<string> {
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  return databaseUrlFor(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

export async function dropDatabasesLike(pattern: string): Promise<void> {
  const { rows } = await adminQuery<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
    pattern,
  ]);
  for (const { datname } of rows) await dropDatabase(datname);
}
