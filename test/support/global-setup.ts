/**
 * Once per test run: a template database with every migration applied.
 * Each test file clones it (CREATE DATABASE … TEMPLATE, a file copy that
 * takes milliseconds), so files run in parallel without seeing each other.
 */
import type { TestProject } from 'vitest/node';
import { applyMigrations, ensureDatabase } from '../../src/db/migrate.ts';
import { databaseUrlFor, dropDatabasesLike, runId } from './pg.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  const id = runId();
  const template = `cp_test_${id}_tpl`;
  await ensureDatabase(databaseUrlFor(template));
  await applyMigrations(databaseUrlFor(template));
  project.provide('templateDatabase', template);
  project.provide('runId', id);

  return async () => {
    await dropDatabasesLike(`cp_test_${id}_%`);
  };
}
