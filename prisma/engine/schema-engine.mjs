#!/usr/bin/env node
/**
 * Stand-in for Prisma's native `schema-engine` binary, backed by the
 * WebAssembly build of the same engine.
 *
 * Why this exists: every Prisma 7 CLI command (generate, validate, migrate,
 * db) first makes sure the native schema engine binary is present and tries
 * to download it when it is not. Our machines and CI only reach the npm
 * registry, so that download fails. The `prisma` package already ships the
 * schema engine compiled to WebAssembly (node_modules/prisma/build/
 * schema_engine_bg.wasm, the very engine version the CLI expects), and
 * `@prisma/schema-engine-wasm` ships the JavaScript glue for it. This script
 * speaks the native engine's stdin/stdout protocol and forwards every request
 * to that WASM engine, which talks to PostgreSQL through `@prisma/adapter-pg`.
 * prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY here (unless already
 * set, so a machine with the native binary can use it instead).
 *
 * Protocol, as used by node_modules/prisma/build/cli.js:
 *   schema-engine --datamodels <file>... --datasource <json>
 *       JSON-RPC 2.0, one message per line: requests on stdin, responses on
 *       stdout. The engine may itself send a `print` request to the CLI (used
 *       by `diff` to print its output) and reads the CLI's reply on stdin.
 *       stderr carries JSON log lines; an ERROR line becomes the CLI's error
 *       message when the engine exits non-zero.
 *   schema-engine --datasource <json> cli <can-connect-to-database|
 *                 create-database|drop-database>
 *       One-shot commands. Failure = non-zero exit plus JSON log lines on
 *       stderr, of which the CLI skips the first and parses all others, and
 *       reads `fields.error_code` / `fields.message` of the ERROR line.
 *   schema-engine --version
 *
 * Only PostgreSQL is supported: it is the only database of this project.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Resolve dependencies from the project that contains this file, not from the
// current working directory (the CLI runs us with cwd = the config's folder).
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'schema-engine.mjs'));

// The native engine's JSON-RPC error code for "see the data field".
const RPC_ERROR_CODE = 4466;
// Exit code of the native engine after a panic; the CLI reports it as a crash.
const PANIC_EXIT_CODE = 101;
// Maintenance database used to create/drop other databases, as psql/createdb do.
const MAINTENANCE_DATABASES = ['postgres', 'template1'];

// ---------------------------------------------------------------------------
// Logging. The CLI only understands JSON lines on stderr (anything else is
// ignored in RPC mode but is a hard parse error in `cli` mode).
// ---------------------------------------------------------------------------

function log(level, message, extraFields = {}) {
  process.stderr.write(
    JSON.stringify({
      timestamp: new Date().toISOString(),
      level,
      fields: { message, ...extraFields },
      target: 'schema_engine::logger',
    }) + '\n',
  );
}

// ---------------------------------------------------------------------------
// Command line.
// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { datamodels: [], datasource: undefined, cliCommand: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--datamodels') args.datamodels.push(argv[++i]);
    else if (arg === '--datasource') args.datasource = JSON.parse(argv[++i]);
    else if (arg === 'cli') args.cliCommand = argv[++i];
    // --enabled-preview-features / --extension-types only matter to
    // connectors and features this project does not use.
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
  }
  return args;
}

// ---------------------------------------------------------------------------
// PostgreSQL helpers (plain `pg`), for what the WASM engine cannot do itself:
// creating and dropping whole databases.
// ---------------------------------------------------------------------------

const pg = require('pg');

// @prisma/adapter-pg throws "Unsupported column type" for a few internal
// Postgres types that the engine's introspection queries return (`"char"`,
// e.g. pg_class.relkind, and `name`). Their text form is all the engine needs,
// so report them as text before the adapter looks at the field types. This
// patches pg's shared Result class, so it covers pools and transactions alike.
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const OIDS_READ_AS_TEXT = new Map([
  [18, TEXT_OID], // "char"
  [19, TEXT_OID], // name
  [1003, TEXT_ARRAY_OID], // name[]
]);
const PgResult = require('pg/lib/result.js');
const originalAddFields = PgResult.prototype.addFields;
PgResult.prototype.addFields = function addFields(fieldDescriptions) {
  for (const field of fieldDescriptions) {
    const replacement = OIDS_READ_AS_TEXT.get(field.dataTypeID);
    if (replacement !== undefined) field.dataTypeID = replacement;
  }
  return originalAddFields.call(this, fieldDescriptions);
};

class EngineError extends Error {
  constructor(errorCode, message, meta = {}) {
    super(message);
    this.code = errorCode;
    this.meta = meta;
  }
}

function describeUrl(url) {
  const parsed = new URL(url);
  return {
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    location: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
  };
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = '/' + encodeURIComponent(database);
  return parsed.toString();
}

const quoteIdent = (name) => '"' + name.replace(/"/g, '""') + '"';

// Turn a pg/network error into the Prisma error code the CLI knows how to
// present (and, for P1003, acts upon by creating the database).
function toEngineError(error, url) {
  const { database, location } = describeUrl(url);
  switch (error.code) {
    case '3D000':
      return new EngineError(
        'P1003',
        `Database \`${database}\` does not exist on the database server at \`${location}\`.`,
        {
          database_name: database,
          database_location: location,
        },
      );
    case '42P04':
      return new EngineError(
        'P1009',
        `Database \`${database}\` already exists on the database server at \`${location}\``,
      );
    case '28P01':
    case '28000':
      return new EngineError(
        'P1000',
        `Authentication failed against database server at \`${location}\`. ${error.message}`,
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return new EngineError(
        'P1001',
        `Can't reach database server at \`${location}\`\n\nPlease make sure your database server is running at \`${location}\`.`,
      );
    default:
      return new EngineError('P1000', error.message || String(error));
  }
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw toEngineError(error, url);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

// Run `fn` on a connection to a maintenance database of the server `url`
// points at, since a database cannot be created or dropped from inside itself.
async function withMaintenanceClient(url, fn) {
  let lastError;
  for (const database of MAINTENANCE_DATABASES) {
    try {
      return await withClient(withDatabase(url, database), fn);
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== 'P1003') throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function canConnect(url) {
  await withClient(url, (client) => client.query('SELECT 1'));
}

async function createDatabase(url) {
  const { database } = describeUrl(url);
  try {
    await withMaintenanceClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(database)}`));
  } catch (error) {
    throw error instanceof EngineError ? error : toEngineError(error, url);
  }
  return database;
}

async function dropDatabase(url) {
  const { database } = describeUrl(url);
  try {
    await withMaintenanceClient(url, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`),
    );
  } catch (error) {
    throw error instanceof EngineError ? error : toEngineError(error, url);
  }
}

// Empty an existing database the way `migrate reset` would, without needing
// the right to drop the database itself.
async function wipeDatabase(url) {
  await withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT nspname FROM pg_namespace
        WHERE nspname NOT IN ('information_schema', 'pg_toast')
          AND nspname NOT LIKE 'pg\\_%'`,
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA ${quoteIdent(nspname)} CASCADE`);
    await client.query('CREATE SCHEMA IF NOT EXISTS public');
  });
}

// ---------------------------------------------------------------------------
// Driver adapter factory handed to the WASM engine.
// ---------------------------------------------------------------------------

/**
 * A migration-aware adapter factory (connect + connectToShadowDb) on top of
 * @prisma/adapter-pg. We do not use PrismaPg's own connectToShadowDb: it drops
 * the shadow database before closing the pool still connected to it, which
 * Postgres refuses, so throwaway databases would pile up. Here the pool is
 * closed first.
 */
class PgMigrationAdapterFactory {
  provider = 'postgres';

  constructor(PrismaPg, url, shadowDatabaseUrl) {
    this.PrismaPg = PrismaPg;
    this.url = url;
    this.shadowDatabaseUrl = shadowDatabaseUrl;
    this.main = new PrismaPg({ connectionString: url });
    this.adapterName = this.main.adapterName;
  }

  async connect() {
    return withWholeScriptExecution(await this.main.connect());
  }

  async connectToShadowDb() {
    // A configured shadow database is kept (created if missing) and emptied
    // before and after use; otherwise a throwaway database is created on the
    // main database's server, as the native engine does.
    const configured = this.shadowDatabaseUrl;
    const url = configured ?? withDatabase(this.url, `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`);
    if (configured) {
      await createDatabase(url).catch((error) => {
        if (error.code !== 'P1009') throw error;
      });
      await wipeDatabase(url);
    } else {
      await createDatabase(url);
    }
    const factory = new this.PrismaPg({ connectionString: url });
    const adapter = withWholeScriptExecution(await factory.connect());
    const closePool = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await closePool();
      if (configured) await wipeDatabase(url);
      else await dropDatabase(url);
    };
    return adapter;
  }
}

/**
 * adapter-pg's executeScript splits scripts on every ';', which breaks
 * migrations containing ';' inside strings, functions or DO blocks. Postgres
 * runs a multi-statement script as one simple query (in an implicit
 * transaction), which is what the native engine does too.
 */
function withWholeScriptExecution(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

// ---------------------------------------------------------------------------
// The WASM engine.
// ---------------------------------------------------------------------------

// Prefer the WASM file shipped inside `prisma` (same engine commit as the CLI);
// fall back to the one bundled with @prisma/schema-engine-wasm. Both work with
// that package's glue code.
function wasmCandidates() {
  const prismaBuild = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm');
  const bundled = path.join(
    path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  return [prismaBuild, bundled];
}

let panicMessage;

async function loadWasmEngine() {
  // The glue reports Rust panics here; without it a panic is only "unreachable".
  globalThis.PRISMA_WASM_PANIC_REGISTRY = {
    set_message(message) {
      panicMessage = message;
    },
  };
  // The package's entry point uses `import x from './file.wasm'`, which Node 20
  // only supports behind a flag, so instantiate the module by hand.
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import(pathToFileURL(gluePath).href);
  let lastError;
  for (const wasmPath of wasmCandidates()) {
    try {
      const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
      const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
      glue.__wbg_set_wasm(instance.exports);
      instance.exports.__wbindgen_start();
      return glue;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

// Requests whose schema sources never involve the live database: they may run
// while the main database does not exist yet (e.g. the CI migration check on
// a fresh server), using the maintenance database for the shadow database.
function needsLiveDatabase(method, params) {
  if (method !== 'diff') return true;
  const live = (target) => target?.tag === 'schemaDatasource' || target?.tag === 'url';
  return live(params?.from) || live(params?.to);
}

class Engine {
  constructor(args) {
    this.args = args;
    this.enginePromise = undefined;
  }

  datasourceUrl() {
    const url = this.args.datasource?.url;
    if (!url) throw new EngineError('P1012', 'No datasource URL: set `datasource.url` in prisma.config.ts.');
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new EngineError(
        'P1013',
        `Only PostgreSQL URLs are supported by this schema engine stand-in (got ${url.split(':')[0]}).`,
      );
    }
    return url;
  }

  // The WASM engine connects in its constructor, so create it on the first
  // request: that lets connection errors become proper JSON-RPC errors.
  wasmEngine(method, params) {
    this.enginePromise ??= this.createWasmEngine(method, params);
    return this.enginePromise;
  }

  async createWasmEngine(method, params) {
    let url = this.datasourceUrl();
    try {
      await canConnect(url);
    } catch (error) {
      if (error.code !== 'P1003' || needsLiveDatabase(method, params)) throw error;
      url = withDatabase(url, MAINTENANCE_DATABASES[0]);
    }
    const [glue, { PrismaPg }, { bindMigrationAwareSqlAdapterFactory }] = await Promise.all([
      loadWasmEngine(),
      import(pathToFileURL(require.resolve('@prisma/adapter-pg')).href),
      import(pathToFileURL(require.resolve('@prisma/driver-adapter-utils')).href),
    ]);
    const factory = new PgMigrationAdapterFactory(PrismaPg, url, this.args.datasource?.shadowDatabaseUrl);
    const datamodels = this.args.datamodels.map((file) => [file, fs.readFileSync(file, 'utf8')]);
    return glue.SchemaEngine.new(
      { datamodels: datamodels.length > 0 ? datamodels : undefined },
      forwardWasmLog,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  }

  /** Dispatch one JSON-RPC method; `rpc` lets a method call back the CLI. */
  async handle(method, params, rpc) {
    switch (method) {
      // Native name → WASM name.
      case 'getDatabaseVersion':
        return (await this.wasmEngine(method, params)).version(params ?? null);
      case 'createDatabase':
        return { databaseName: await createDatabase(this.urlFromDatasourceParam(params?.datasource)) };
      case 'diff':
        return this.diff(params, rpc);
      case 'evaluateDataLoss':
      case 'createMigration': {
        // Both need the schema that the migrations produce on a shadow
        // database, but unlike the native engine the WASM build cannot create
        // a shadow database here ("shadow DB must be provided through an
        // external factory"): it only reads what devDiagnostic cached for the
        // same migrations. The CLI calls devDiagnostic before applying
        // pending migrations, when the engine skips that computation, so warm
        // the cache again right before (a cache hit costs nothing).
        const engine = await this.wasmEngine(method, params);
        await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
        return engine[method](params);
      }
      case 'debugPanic':
        return (await this.wasmEngine(method, params)).debugPanic();
      case 'applyMigrations':
      case 'dbExecute':
      case 'devDiagnostic':
      case 'diagnoseMigrationHistory':
      case 'ensureConnectionValidity':
      case 'introspect':
      case 'introspectSql':
      case 'markMigrationApplied':
      case 'markMigrationRolledBack':
      case 'reset':
      case 'schemaPush': {
        const result = await (await this.wasmEngine(method, params))[method](params);
        // JSON-RPC needs a result; methods returning nothing answer `{}`.
        return result ?? {};
      }
      default:
        throw new EngineError(undefined, `The schema engine stand-in does not implement the \`${method}\` method.`);
    }
  }

  // The native engine prints the diff through a `print` request to the CLI
  // and returns no stdout; the CLI never prints the returned `stdout` itself.
  async diff(params, rpc) {
    const result = await (await this.wasmEngine('diff', params)).diff(params);
    if (result.stdout != null) await rpc('print', { content: result.stdout });
    return { exitCode: result.exitCode, stdout: null };
  }

  urlFromDatasourceParam(datasource) {
    if (datasource?.tag === 'ConnectionString') return datasource.url;
    return this.datasourceUrl();
  }
}

// The WASM engine logs `tracing` events as JSON lines in the native format.
function forwardWasmLog(line) {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

// ---------------------------------------------------------------------------
// JSON-RPC over stdin/stdout.
// ---------------------------------------------------------------------------

function isPanic(error) {
  return error instanceof WebAssembly.RuntimeError || panicMessage !== undefined;
}

function toRpcError(error) {
  if (isPanic(error)) {
    const message = panicMessage ?? String(error?.message ?? error);
    return { code: RPC_ERROR_CODE, message, data: { is_panic: true, message, backtrace: error?.stack ?? '' } };
  }
  const message = String(error?.message ?? error);
  return {
    code: RPC_ERROR_CODE,
    message: 'An error happened. Check the data field for details.',
    data: {
      is_panic: false,
      message,
      meta: error?.meta ?? {},
      ...(typeof error?.code === 'string' && /^P\d{4}$/.test(error.code) ? { error_code: error.code } : {}),
    },
  };
}

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

async function serveRpc(args) {
  const engine = new Engine(args);
  const inFlight = new Set();
  // Requests we send to the CLI (only `print`), keyed by our own id range.
  const outgoing = new Map();
  let nextOutgoingId = 1_000_000_000;

  const rpc = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextOutgoingId++;
      outgoing.set(id, { resolve, reject });
      send({ jsonrpc: '2.0', id, method, params });
    });

  const handleRequest = async ({ id, method, params }) => {
    try {
      const result = await engine.handle(method, params, rpc);
      send({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
    } catch (error) {
      send({ jsonrpc: '2.0', id, error: toRpcError(error) });
      if (isPanic(error)) {
        // Nothing is safe to call after a panic: exit like the native engine.
        log('ERROR', panicMessage ?? String(error), { is_panic: true });
        process.exit(PANIC_EXIT_CODE);
      }
      log('ERROR', String(error?.message ?? error), error?.code ? { error_code: error.code } : {});
    }
  };

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      log('ERROR', `Could not parse JSON-RPC message: ${line.slice(0, 200)}`);
      return;
    }
    if (message.method === undefined) {
      // A reply from the CLI to one of our own requests.
      const pending = outgoing.get(message.id);
      outgoing.delete(message.id);
      if (pending) message.error ? pending.reject(new Error(message.error.message)) : pending.resolve(message.result);
      return;
    }
    const task = handleRequest(message).finally(() => inFlight.delete(task));
    inFlight.add(task);
  });

  // The CLI closes stdin and then sends SIGTERM right away. Exiting with a
  // request still running would look like success with no output (the CLI
  // only treats a non-zero exit as an error), so finish in-flight work first.
  const shutdown = async () => {
    await Promise.allSettled([...inFlight]);
    process.exit(0);
  };
  lines.on('close', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

// ---------------------------------------------------------------------------
// `cli` one-shot commands.
// ---------------------------------------------------------------------------

async function runCliCommand(args) {
  // The CLI ignores the first stderr line, so always emit one.
  log('INFO', `Starting schema engine stand-in (${args.cliCommand})`);
  const url = args.datasource?.url;
  try {
    if (!url) throw new EngineError('P1012', 'No datasource URL given.');
    switch (args.cliCommand) {
      case 'can-connect-to-database':
        await canConnect(url);
        break;
      case 'create-database':
        process.stdout.write(`Database '${await createDatabase(url)}' was successfully created.\n`);
        break;
      case 'drop-database':
        await dropDatabase(url);
        process.stdout.write(`The database was successfully dropped.\n`);
        break;
      default:
        throw new EngineError(undefined, `Unknown cli command: ${args.cliCommand}`);
    }
  } catch (error) {
    log('ERROR', String(error?.message ?? error), error?.code ? { error_code: error.code } : {});
    process.exit(1);
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    const glue = await loadWasmEngine();
    process.stdout.write(`schema-engine-cli ${glue.version()}\n`);
    return;
  }
  if (args.cliCommand) return runCliCommand(args);
  return serveRpc(args);
}

main().catch((error) => {
  log('ERROR', String(error?.stack ?? error));
  process.exit(1);
});
