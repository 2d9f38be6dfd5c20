/**
 * Every setting Cloudplane reads from its environment, validated by one zod
 * schema. This is the only module that touches process.env; everything else
 * receives a Config. A bad value stops start-up with one line naming it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgresql:// URL');
const redisUrl = z
  .string()
  .url()
  .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL');

/** 32 bytes as 64 hex chars or base64; the AES-256-GCM key for account credentials. */
const secretKey = z.string().transform((v, ctx) => {
  const bytes = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
    return z.NEVER;
  }
  return bytes;
});

export const EnvSchema = z.object({
  /** `production` turns on the checks a shared deployment needs (a real secret key, no local stores). */
  NODE_ENV: z.string().optional(),
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/cloudplane'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bootstrap admin key; when unset and no admin key exists, one is generated and printed once. */
  CLOUDPLANE_ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Unset only in development: a fixed, well-known key is used and a warning is logged. */
  CLOUDPLANE_SECRET_KEY: secretKey.optional(),
  /** Every Redis key and BullMQ queue lives under this prefix, so deployments and test runs never collide. */
  CLOUDPLANE_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore only')
    .default('cloudplane'),
  CLOUDPLANE_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  /** PostgreSQL connections per process; a worker needs about one per concurrent platform call it makes. */
  CLOUDPLANE_DB_POOL_SIZE: positiveInt.default(20),
  /** Apply pending SQL migrations at start (under an advisory lock, safe with many replicas). */
  CLOUDPLANE_MIGRATE_ON_START: flag.default(true),
  /** Create the database named in DATABASE_URL when it does not exist yet. */
  CLOUDPLANE_CREATE_DATABASE: flag.default(true),
  /** Seconds a replica waits for in-flight requests and jobs on SIGTERM before it exits anyway. */
  CLOUDPLANE_SHUTDOWN_GRACE_SECONDS: positiveInt.default(25),
  CLOUDPLANE_WORKER_CONCURRENCY: positiveInt.default(16),
  /** A list refreshes an account from its platform when its last sync is older than this. */
  CLOUDPLANE_INVENTORY_TTL_SECONDS: z.coerce.number().min(0).default(15),
  /** Catalogs (zones, instance types, images) are cached this long per process. */
  CLOUDPLANE_CATALOG_TTL_SECONDS: z.coerce.number().min(0).default(60),
  /** Largest count one expand or shrink may ask for. */
  CLOUDPLANE_TASK_MAX_COUNT: positiveInt.default(1000),
  /** A running task that has not finished this long after it started fails with a clear reason. */
  CLOUDPLANE_TASK_DEADLINE_SECONDS: positiveInt.default(3600),
  /** How often a running task reads its machines' state from the platform. */
  CLOUDPLANE_TASK_POLL_MS: positiveInt.default(1000),
  /** Platform calls in flight per account, across every worker (account option `concurrency` overrides). */
  CLOUDPLANE_ACCOUNT_CONCURRENCY: positiveInt.default(20),
  /** Platform calls started per second per account, across every worker (account option `ratePerSecond` overrides). */
  CLOUDPLANE_ACCOUNT_RATE_PER_SECOND: positiveInt.default(50),
  /** A worker that stops renewing its job lock this long is presumed dead; another worker resumes the task. */
  CLOUDPLANE_JOB_LOCK_SECONDS: positiveInt.default(30),
  /**
   * The bound on recovering from a store outage: how often a store that went away is probed, the
   * longest Redis reconnect backoff, and how soon a task round that failed on a store is retried.
   */
  CLOUDPLANE_STORE_RECOVERY_MS: positiveInt.default(2_000),
  /** A POST that made a task answers after this long even if Redis cannot take its job yet (the sweeper adds it). */
  CLOUDPLANE_ENQUEUE_TIMEOUT_MS: positiveInt.default(2_000),
  /** How often every process re-adds jobs for tasks that lost theirs (a crash between commit and enqueue). */
  CLOUDPLANE_SWEEP_SECONDS: positiveInt.default(10),
  /** How often each account's machines are audited for orphans (machines of a group that no record knew). */
  CLOUDPLANE_ORPHAN_AUDIT_SECONDS: positiveInt.default(300),
  /** Events of finished tasks older than this many days are purged (tasks and their items are kept). */
  CLOUDPLANE_RETENTION_DAYS: positiveInt.default(30),
  /** Audit entries older than this many days are purged; 0 keeps them forever. */
  CLOUDPLANE_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  /** Role `all` starts the platform simulators on these ports and registers demo accounts. */
  CLOUDPLANE_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  CLOUDPLANE_SIM_BASE_PORT: port.default(18100),
  /** Where role `all` keeps the PostgreSQL and Redis it starts itself on a machine that has none. */
  CLOUDPLANE_DATA_DIR: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../.cloudplane', import.meta.url)))
    .transform((dir) => resolve(dir)),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  logLevel: Env['LOG_LEVEL'];
  adminApiKey: string | undefined;
  secretKey: Buffer;
  secretKeyIsDevelopmentDefault: boolean;
  redisPrefix: string;
  bodyLimitBytes: number;
  dbPoolSize: number;
  migrateOnStart: boolean;
  createDatabase: boolean;
  shutdownGraceMs: number;
  workerConcurrency: number;
  inventoryTtlMs: number;
  stores: { recoveryMs: number; enqueueTimeoutMs: number; sweepMs: number };
  orphanAuditMs: number;
  retention: { eventRetentionMs: number; auditRetentionMs: number };
  tasks: {
    maxCount: number;
    deadlineMs: number;
    pollMs: number;
    accountConcurrency: number;
    accountRatePerSecond: number;
    jobLockMs: number;
  };
  catalogTtlMs: number;
  sim: { host: string; basePort: number };
  /** NODE_ENV=production. */
  production: boolean;
  /**
   * Which stores role `all` may start itself when nothing answers at their URL: only those the
   * operator left at the default, and never in production.
   */
  localStores: { dataDir: string; postgres: boolean; redis: boolean };
}

const DAY_MS = 86_400_000;

/** Used only outside production when CLOUDPLANE_SECRET_KEY is unset; loudly reported at start. */
const DEVELOPMENT_SECRET_KEY = Buffer.from('cloudplane-development-only-key!', 'utf8');

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most deployment tools' env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const developmentKey = !e.CLOUDPLANE_SECRET_KEY || e.CLOUDPLANE_SECRET_KEY.equals(DEVELOPMENT_SECRET_KEY);
  if (production && developmentKey) {
    // The development key is public (it is in this file): credentials encrypted with it are not secret.
    throw new ConfigError(
      'CLOUDPLANE_SECRET_KEY',
      'must be set to a key of your own when NODE_ENV=production (32 bytes as 64 hex characters, e.g. `openssl rand -hex 32`)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    adminApiKey: e.CLOUDPLANE_ADMIN_API_KEY,
    secretKey: e.CLOUDPLANE_SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    secretKeyIsDevelopmentDefault: developmentKey,
    redisPrefix: e.CLOUDPLANE_REDIS_PREFIX,
    bodyLimitBytes: e.CLOUDPLANE_BODY_LIMIT_BYTES,
    dbPoolSize: e.CLOUDPLANE_DB_POOL_SIZE,
    migrateOnStart: e.CLOUDPLANE_MIGRATE_ON_START,
    createDatabase: e.CLOUDPLANE_CREATE_DATABASE,
    shutdownGraceMs: e.CLOUDPLANE_SHUTDOWN_GRACE_SECONDS * 1000,
    workerConcurrency: e.CLOUDPLANE_WORKER_CONCURRENCY,
    inventoryTtlMs: e.CLOUDPLANE_INVENTORY_TTL_SECONDS * 1000,
    stores: {
      recoveryMs: e.CLOUDPLANE_STORE_RECOVERY_MS,
      enqueueTimeoutMs: e.CLOUDPLANE_ENQUEUE_TIMEOUT_MS,
      sweepMs: e.CLOUDPLANE_SWEEP_SECONDS * 1000,
    },
    orphanAuditMs: e.CLOUDPLANE_ORPHAN_AUDIT_SECONDS * 1000,
    retention: {
      eventRetentionMs: e.CLOUDPLANE_RETENTION_DAYS * DAY_MS,
      auditRetentionMs: e.CLOUDPLANE_AUDIT_RETENTION_DAYS * DAY_MS,
    },
    tasks: {
      maxCount: e.CLOUDPLANE_TASK_MAX_COUNT,
      deadlineMs: e.CLOUDPLANE_TASK_DEADLINE_SECONDS * 1000,
      pollMs: e.CLOUDPLANE_TASK_POLL_MS,
      accountConcurrency: e.CLOUDPLANE_ACCOUNT_CONCURRENCY,
      accountRatePerSecond: e.CLOUDPLANE_ACCOUNT_RATE_PER_SECOND,
      jobLockMs: e.CLOUDPLANE_JOB_LOCK_SECONDS * 1000,
    },
    catalogTtlMs: e.CLOUDPLANE_CATALOG_TTL_SECONDS * 1000,
    sim: { host: e.CLOUDPLANE_SIM_HOST, basePort: e.CLOUDPLANE_SIM_BASE_PORT },
    production,
    localStores: {
      dataDir: e.CLOUDPLANE_DATA_DIR,
      postgres: !production && present.DATABASE_URL === undefined,
      redis: !production && present.REDIS_URL === undefined,
    },
  };
}
