#!/usr/bin/env node
// Stand-in for Prisma's native schema engine binary, backed by @prisma/schema-engine-wasm. scripts/prisma.mjs points
// the Prisma CLI at it (PRISMA_SCHEMA_ENGINE_BINARY) when the native engine is not installed, e.g. on air-gapped hosts
// that cannot download it from binaries.prisma.sh.
//
// This file is self-contained plain JavaScript on purpose: the CLI must also work in production installs, where the
// TypeScript sources are not compiled and tsx (a devDependency) is absent, so lib/db/schema-engine.ts cannot be
// imported here. The few lines that instantiate the WebAssembly module are therefore duplicated.
//
// Invocations, as made by the CLI (prisma/build/cli.js, class SchemaEngineCLI and the `cli` helpers):
//   engine [--datamodels <file>]... [--datasource <json>] [--enabled-preview-features <list>]
//          [--extension-types <json>]
//       JSON-RPC 2.0 over stdin/stdout, one message per line. Logs go to stderr as JSON lines.
//   engine --datasource <json> cli <can-connect-to-database | create-database | drop-database>
//       Exit status 0 on success. On failure the CLI skips the first stderr line, parses the others as JSON and
//       looks for {level: "ERROR", target: "schema_engine::logger", fields: {error_code, message}}.
//   engine --version

import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";

// Exactly the DDL of Prisma's migrations table. The WebAssembly engine has been seen answering P1014 (table does not
// exist) about it instead of creating it; the shim then creates it and retries the call once.
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
)`;

// Methods that read or write the migrations table, and so may need MIGRATIONS_TABLE_DDL first.
const MIGRATION_HISTORY_METHODS = new Set([
  "applyMigrations",
  "createMigration",
  "devDiagnostic",
  "diagnoseMigrationHistory",
  "evaluateDataLoss",
  "markMigrationApplied",
  "markMigrationRolledBack",
]);

// Methods that diff against the schema of the migration history without being able to open a shadow database.
const HISTORY_SCHEMA_CACHE_METHODS = new Set(["createMigration", "evaluateDataLoss"]);

// JSON-RPC methods forwarded as is to the SchemaEngine method of the same name. The others are handled below.
const ENGINE_METHODS = new Set([
  ...MIGRATION_HISTORY_METHODS,
  "dbExecute",
  "ensureConnectionValidity",
  "introspect",
  "introspectSql",
  "reset",
  "schemaPush",
]);

// The error shape of the native engine's JSON-RPC server; the CLI reads `data` ({is_panic, message, error_code, ...}).
const RPC_ENGINE_ERROR = { code: 4466, message: "An error happened. Check the data field for details." };

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

class UserFacingError extends Error {
  constructor(code, message, meta = {}) {
    super(message);
    this.code = code;
    this.meta = meta;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Logging: JSON lines on stderr, in the native engine's tracing format.

function log(level, message, fields = {}, target = "schema_engine::logger") {
  const line = { timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function forwardEngineLog(line) {
  process.stderr.write(String(line).endsWith("\n") ? String(line) : `${line}\n`);
}

// stdout carries the protocol; stray console output from libraries must not corrupt it.
console.log = console.info = console.debug = console.error;

// ---------------------------------------------------------------------------------------------------------------------
// PostgreSQL connections.

// @prisma/adapter-pg 7.10 maps no column type for PostgreSQL's internal "char" type (OID 18), which the engine's
// catalog queries select (pg_class.relkind, pg_constraint.contype...): introspection fails with "Column type 'char'
// could not be deserialized". The adapter derives column types from each field's dataTypeID, not from pg's type
// parsers, so the `types` option cannot help. Instead, the pg client below passes such columns to the adapter as text
// (their values are one-character strings already), remembering them by the rows array, which the adapter returns
// as is; the adapter wrapper then reports them as the Character type that the engine reads "char" values as.

const charColumnsByRows = new WeakMap();

class SchemaEngineClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === "function") {
      callback = values;
      values = undefined;
    }
    if (typeof config?.submit === "function") return super.query(config, values, callback);
    const result = super.query(config, values).then(passCharColumnsAsText);
    if (!callback) return result;
    result.then((res) => callback(null, res), (error) => callback(error));
    return undefined;
  }
}

function passCharColumnsAsText(result) {
  for (const { fields, rows } of Array.isArray(result) ? result : [result]) {
    const charColumns = [];
    fields?.forEach((field, index) => {
      if (field.dataTypeID !== PG_CHAR_OID) return;
      field.dataTypeID = PG_TEXT_OID;
      charColumns.push(index);
    });
    if (charColumns.length > 0 && rows) charColumnsByRows.set(rows, charColumns);
  }
  return result;
}

function reportCharColumns(queryable) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumnsByRows.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

/**
 * pg settings for the database at `url`. A `schema` URL parameter selects the schema like it does for the native
 * engine: it becomes the search_path, where migrations create their unqualified objects.
 */
function pgConfig(url) {
  const schema = new URL(url).searchParams.get("schema");
  if (schema === null) return { connectionString: url };
  return { connectionString: url, options: `-c search_path=${escapeOption(quoteIdentifier(schema))}` };
}

async function connectAdapter(url) {
  const schema = new URL(url).searchParams.get("schema") ?? undefined;
  const factory = new PrismaPg({ ...pgConfig(url), max: 1, Client: SchemaEngineClient }, { schema });
  const adapter = reportCharColumns(await factory.connect());
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => reportCharColumns(await startTransaction(...args));
  return adapter;
}

function assertPostgresUrl(url) {
  if (typeof url !== "string" || !/^postgres(ql)?:\/\//i.test(url)) {
    throw new UserFacingError(
      "P1013",
      "The provided database string is invalid. The WebAssembly schema engine only supports postgresql:// URLs.",
    );
  }
  return url;
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function describeServer(url) {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
  return {
    address: `${host}:${parsed.port || "5432"}`,
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
  };
}

const quoteIdentifier = (name) => `"${name.replaceAll('"', '""')}"`;

// Spaces separate the arguments of the `options` connection parameter unless escaped.
const escapeOption = (value) => value.replace(/[\\\s]/g, "\\$&");

/** Maps a pg connection or query error to the user-facing error the native engine would report, if there is one. */
function toUserFacingError(error, url) {
  const { address, database, user } = describeServer(url);
  switch (error?.code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ETIMEDOUT":
      return new UserFacingError(
        "P1001",
        `Can't reach database server at \`${address}\`\n\n` +
          `Please make sure your database server is running at \`${address}\`.`,
        { database_location: address },
      );
    case "28P01":
    case "28000":
      return new UserFacingError(
        "P1000",
        `Authentication failed against database server at \`${address}\`, the provided database credentials for ` +
          `\`${user}\` are not valid.\n\n` +
          `Please make sure to provide valid database credentials for the database server at \`${address}\`.`,
        { database_user: user, database_host: address },
      );
    case "3D000":
      return new UserFacingError(
        "P1003",
        `Database \`${database}\` does not exist on the database server at \`${address}\`.`,
        { database_name: database, database_host: address },
      );
    case "42P04":
      return new UserFacingError(
        "P1009",
        `Database \`${database}\` already exists on the database server at \`${address}\``,
        { database_name: database, database_host: address },
      );
    case "42501":
      return new UserFacingError("P1010", `User \`${user}\` was denied access on the database \`${database}\``, {
        database_user: user,
        database_name: database,
      });
    default:
      return undefined;
  }
}

/** Runs `run` with a client connected to `url`. Connection errors are mapped to user-facing errors, others not. */
async function withClient(url, run) {
  const client = new pg.Client(pgConfig(url));
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw toUserFacingError(error, url) ?? error;
  }
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function runStatement(client, sql, url) {
  try {
    return await client.query(sql);
  } catch (error) {
    throw toUserFacingError(error, url) ?? error;
  }
}

/** Runs `run` on a maintenance database of the server, as the native engine does for CREATE/DROP DATABASE. */
async function withMaintenanceClient(url, run) {
  try {
    return await withClient(withDatabase(url, "postgres"), run);
  } catch (error) {
    if (error?.code !== "P1003") throw error;
    return withClient(withDatabase(url, "template1"), run);
  }
}

async function createDatabase(url) {
  const sql = `CREATE DATABASE ${quoteIdentifier(describeServer(url).database)}`;
  await withMaintenanceClient(url, (client) => runStatement(client, sql, url));
  return describeServer(url).database;
}

async function dropDatabase(url) {
  const sql = `DROP DATABASE ${quoteIdentifier(describeServer(url).database)}`;
  await withMaintenanceClient(url, (client) => runStatement(client, sql, url));
}

async function dropDatabaseForcefully(client, database) {
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
  } catch (error) {
    if (error?.code !== "42601") throw error; // PostgreSQL < 13 has no WITH (FORCE).
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
  }
}

// Temporary shadow databases not dropped yet, by name, with the URL of the database they were created from.
const temporaryShadowDatabases = new Map();

/**
 * A shadow database for `migrate dev`, created next to the main database and dropped when the engine disposes of it.
 * Not PrismaPg's own connectToShadowDb: given a connection string, pg lets the string's database override the one
 * PrismaPg sets for the shadow pool, which would replay migrations on the main database.
 */
async function connectToTemporaryShadowDatabase(url) {
  const database = `prisma_migrate_shadow_db_${randomUUID()}`;
  await withClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(database)}`)).catch((error) => {
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(
      "P3014",
      `Prisma Migrate could not create the shadow database. Please make sure the database user has permission to ` +
        `create databases. Read more about the shadow database (and workarounds) at ` +
        `https://pris.ly/d/migrate-shadow\n\nOriginal error: \n${error?.message ?? error}`,
      { error_code: error?.code },
    );
  });
  temporaryShadowDatabases.set(database, url);
  const shadowUrl = withDatabase(url, database);
  try {
    const current = await withClient(shadowUrl, (client) => client.query("SELECT current_database() AS name"));
    if (current.rows[0]?.name !== database) {
      throw new Error(
        `The database server at \`${describeServer(url).address}\` does not honour the database name of a ` +
          `connection URL (PGlite does not), so no temporary shadow database can be used. Set ` +
          `\`datasource.shadowDatabaseUrl\` in prisma.config.ts to an empty database on another server.`,
      );
    }
    const adapter = await connectAdapter(shadowUrl);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await dropTemporaryShadowDatabase(database);
    };
    return adapter;
  } catch (error) {
    await dropTemporaryShadowDatabase(database).catch(() => {});
    throw error;
  }
}

async function dropTemporaryShadowDatabase(database) {
  const url = temporaryShadowDatabases.get(database);
  if (url === undefined) return;
  await withClient(url, (client) => dropDatabaseForcefully(client, database));
  temporaryShadowDatabases.delete(database);
}

/** Drops the temporary shadow databases the engine has not disposed of, giving up after a few seconds. */
async function dropLeftoverShadowDatabases() {
  const drops = [...temporaryShadowDatabases.keys()].map((database) => dropTemporaryShadowDatabase(database));
  const timeout = new Promise((resolveTimeout) => setTimeout(resolveTimeout, 5000).unref());
  await Promise.race([Promise.allSettled(drops), timeout]);
}

/** A user-provided shadow database is reset first, like the native engine does. */
async function connectToExplicitShadowDatabase(shadowUrl) {
  const resetter = await openEngine(liveAdapterFactory({ url: shadowUrl }), undefined);
  try {
    await resetter.reset({ filter: { externalTables: [], externalEnums: [] } });
  } finally {
    resetter.free();
  }
  return connectAdapter(shadowUrl);
}

function liveAdapterFactory({ url, shadowDatabaseUrl }) {
  return bindMigrationAwareSqlAdapterFactory({
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connectAdapter(url),
    connectToShadowDb: () =>
      shadowDatabaseUrl
        ? connectToExplicitShadowDatabase(assertPostgresUrl(shadowDatabaseUrl))
        : connectToTemporaryShadowDatabase(url),
  });
}

/**
 * Diffs between schema files need no database, and the native engine does not connect for them. The WebAssembly engine
 * always runs one probe query when it starts, though, so this adapter answers that one and refuses anything else.
 */
function offlineAdapterFactory() {
  const noDatabase = async () => {
    throw new Error("This operation needs a database connection.");
  };
  const adapter = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async queryRaw({ sql }) {
      if (!sql.startsWith("SELECT EXISTS(SELECT 1 FROM pg_namespace")) return noDatabase();
      return {
        columnNames: ["exists", "version", "numeric_version"],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, "PostgreSQL", 0]],
      };
    },
    executeRaw: noDatabase,
    executeScript: noDatabase,
    startTransaction: noDatabase,
    dispose: async () => {},
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
  };
  return bindMigrationAwareSqlAdapterFactory({
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: async () => adapter,
    connectToShadowDb: noDatabase,
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// The WebAssembly engine. The package targets bundlers, so the .wasm module is instantiated by hand.

// The engine reports the message of a Rust panic here, just before trapping with a RuntimeError ("unreachable").
let lastPanicMessage;
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    lastPanicMessage = message;
  },
};

let bindings;

function loadBindings() {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasm = await readFile(join(dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(wasm, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return glue;
  })();
  return bindings;
}

async function openEngine(adapterFactory, datamodels) {
  const { SchemaEngine } = await loadBindings();
  return SchemaEngine.new({ datamodels }, forwardEngineLog, adapterFactory);
}

// ---------------------------------------------------------------------------------------------------------------------
// JSON-RPC server.

class Server {
  constructor({ datamodels, datasource }) {
    this.datamodels = datamodels;
    this.datasource = datasource;
    this.liveEngine = undefined;
    this.offlineEngine = undefined;
  }

  static supports(method) {
    return ENGINE_METHODS.has(method) || Object.hasOwn(Server.prototype.ownMethods, method);
  }

  async handle(method, params) {
    try {
      if (Object.hasOwn(this.ownMethods, method)) return await this.ownMethods[method].call(this, params);
      return await this.callLive(method, params);
    } catch (error) {
      throw withExternalErrorExplained(error, this.liveFactory?.errorRegistry);
    }
  }

  /** The engine on the configured database, opened on first use so that commands needing no database work without. */
  live() {
    this.liveEngine ??= this.openLive().catch((error) => {
      this.liveEngine = undefined;
      throw error;
    });
    return this.liveEngine;
  }

  async openLive() {
    const url = assertPostgresUrl(this.datasource.url);
    this.liveFactory = liveAdapterFactory({ ...this.datasource, url });
    try {
      return await openEngine(this.liveFactory, this.datamodels);
    } catch (error) {
      if (error?.code !== undefined) throw error;
      // The engine's connection errors carry no error code, which the CLI needs: find it out with a plain connection.
      const cause = await withClient(url, (client) => client.query("SELECT 1")).then(
        () => undefined,
        (connectionError) => connectionError,
      );
      throw cause instanceof UserFacingError ? cause : error;
    }
  }

  offline() {
    this.offlineEngine ??= openEngine(offlineAdapterFactory(), this.datamodels);
    return this.offlineEngine;
  }

  async callLive(method, params) {
    const engine = await this.live();
    try {
      return await engine[method](params);
    } catch (error) {
      if (MIGRATION_HISTORY_METHODS.has(method) && isMissingMigrationsTable(error)) {
        log("INFO", "Creating the _prisma_migrations table");
        await withClient(this.datasource.url, (client) => client.query(MIGRATIONS_TABLE_DDL));
      } else if (HISTORY_SCHEMA_CACHE_METHODS.has(method) && isShadowDatabaseUnavailable(error)) {
        // The WebAssembly engine gives these methods no shadow database: they only find the schema of the migration
        // history in a cache, keyed by the list of applied migrations, that diagnoseMigrationHistory fills. In
        // `migrate dev` every migration is applied by the time they run, so that call computes the missing entry.
        log("INFO", "Computing the schema of the migration history on a shadow database");
        const { migrationsList, filters } = params;
        await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: true, filters });
      } else {
        throw error;
      }
      return engine[method](params);
    }
  }
}

// JSON-RPC methods that are not a plain call of the SchemaEngine method of the same name.
Server.prototype.ownMethods = {
  async version() {
    return (await loadBindings()).version();
  },
  async getDatabaseVersion(params) {
    return (await this.live()).version(params ?? null);
  },
  async createDatabase(params) {
    const url = params?.datasource?.tag === "ConnectionString" ? params.datasource.url : this.datasource.url;
    return { databaseName: await createDatabase(assertPostgresUrl(url)) };
  },
  async debugPanic() {
    return (await this.offline()).debugPanic();
  },
  async diff(params) {
    const offline = [params?.from, params?.to].every((t) => t?.tag === "empty" || t?.tag === "schemaDatamodel");
    const result = await (offline ? this.offline() : this.live()).then((engine) => engine.diff(params));
    // The CLI prints what the engine sends it in a `print` request, not the diff result.
    if (typeof result?.stdout === "string") print(result.stdout);
    return result;
  },
};

/**
 * Exceptions thrown by adapter code, such as the shadow database functions above, reach the engine as opaque
 * "External error id#N" references to the adapter factory's error registry. Put the original error in their place.
 */
function withExternalErrorExplained(error, registry) {
  const reference = /External error id#(\d+)/.exec(error?.message ?? "");
  const original = reference && registry?.consumeError(Number(reference[1]))?.error;
  if (!original) return error;
  if (original instanceof UserFacingError) return original;
  error.message = error.message.replace(reference[0], original?.message ?? String(original));
  return error;
}

function isShadowDatabaseUnavailable(error) {
  return String(error?.message).includes("shadow DB must be provided through an external factory");
}

function isMissingMigrationsTable(error) {
  return error?.code === "P1014" && String(error.message).includes("_prisma_migrations");
}

function toRpcError(error) {
  if (error instanceof WebAssembly.RuntimeError) {
    // The CLI prints data.error.message for panics.
    const message = lastPanicMessage ?? error.message;
    const backtrace = error.stack ?? null;
    return { ...RPC_ENGINE_ERROR, data: { is_panic: true, message, backtrace, error: { message } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (typeof error?.code === "string" && /^P\d{4}$/.test(error.code)) {
    return { ...RPC_ENGINE_ERROR, data: { is_panic: false, message, meta: error.meta ?? {}, error_code: error.code } };
  }
  return { ...RPC_ENGINE_ERROR, data: { is_panic: false, message, backtrace: error?.stack ?? null } };
}

function send(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
}

let printRequests = 0;

/** Asks the CLI to write `content` to its standard output. */
function print(content) {
  send({ id: `print-${++printRequests}`, method: "print", params: { content } });
}

async function serve(options) {
  // Without schema files (e.g. `migrate diff`) the engine must get none rather than an empty list, or it panics.
  const datamodels = options.datamodelPaths.length
    ? await Promise.all(options.datamodelPaths.map(async (path) => [path, await readFile(resolve(path), "utf8")]))
    : undefined;
  const server = new Server({ datamodels, datasource: options.datasource });
  void loadBindings();

  let current; // id of the request being handled
  let exiting = false;
  const exit = async (code) => {
    if (exiting) return;
    exiting = true;
    await dropLeftoverShadowDatabases();
    process.exit(code);
  };

  const handleLine = async (line) => {
    if (line.trim() === "") return;
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      send({ id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (typeof request?.method !== "string") {
      // Answers to requests made by the engine would land here; this engine makes none.
      if (request?.result === undefined && request?.error === undefined) {
        send({ id: request?.id ?? null, error: { code: -32600, message: "Invalid Request" } });
      }
      return;
    }
    const { id, method, params } = request;
    const respond = Object.hasOwn(request, "id") ? send : () => {};
    if (!Server.supports(method)) {
      const message = `The WebAssembly schema engine does not support the \`${method}\` method.`;
      respond({ id, error: { code: -32601, message: "Method not found", data: { is_panic: false, message } } });
      return;
    }
    current = id;
    try {
      const result = await server.handle(method, params);
      respond({ id, result: result === undefined ? {} : result });
    } catch (error) {
      respond({ id, error: toRpcError(error) });
      if (error instanceof WebAssembly.RuntimeError) await exit(101);
    } finally {
      current = undefined;
    }
  };

  // A panic inside an engine callback surfaces here rather than as a rejected call. Like the native engine, report it
  // and exit with status 101: the WebAssembly instance is unusable afterwards.
  process.on("uncaughtException", (error) => {
    const panic = error instanceof WebAssembly.RuntimeError;
    const message = panic ? (lastPanicMessage ?? error.message) : String(error?.stack ?? error);
    log("ERROR", message, { backtrace: error?.stack ?? null });
    if (current !== undefined) send({ id: current, error: toRpcError(error) });
    void exit(panic ? 101 : 1);
  });
  // The CLI ends stdin, then terminates the engine right away on POSIX systems.
  process.on("SIGTERM", () => void exit(143));
  process.on("SIGINT", () => void exit(130));

  // One request at a time: the engine is a single WebAssembly instance, and the CLI waits for each answer anyway.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    queue = queue.then(() => handleLine(line));
  });
  lines.on("close", () => {
    void queue.then(() => exit(0));
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// `cli` subcommands and entry point.

async function runCliCommand(command, datasource) {
  // The CLI drops the first stderr line before parsing the rest.
  log("INFO", "Starting schema engine CLI", { command });
  try {
    const url = assertPostgresUrl(datasource.url);
    switch (command) {
      case "can-connect-to-database":
        await withClient(url, (client) => client.query("SELECT 1"));
        log("INFO", "Connection successful");
        break;
      case "create-database":
        log("INFO", `Database '${await createDatabase(url)}' was successfully created.`);
        break;
      case "drop-database":
        await dropDatabase(url);
        log("INFO", "The database was successfully dropped.");
        break;
      default:
        throw new Error(`Unknown cli command \`${command}\``);
    }
    process.exit(0);
  } catch (error) {
    const fields = error instanceof UserFacingError ? { error_code: error.code } : {};
    log("ERROR", error instanceof Error ? error.message : String(error), fields);
    process.exit(1);
  }
}

function parseArguments(argv) {
  const options = { datamodelPaths: [], datasource: {}, cliCommand: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    switch (argument) {
      case "--datamodels":
        options.datamodelPaths.push(argv[++i]);
        break;
      case "--datasource":
        options.datasource = JSON.parse(argv[++i] ?? "{}");
        break;
      case "--enabled-preview-features":
      case "--extension-types":
        i++; // The WebAssembly engine takes neither.
        break;
      case "--version":
      case "-V":
        options.version = true;
        break;
      case "cli":
        options.cliCommand = argv[++i];
        break;
      default:
        log("WARN", `Ignoring unknown argument ${argument}`);
    }
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
if (options.version) {
  process.stdout.write(`schema-engine-wasm ${(await loadBindings()).version()}\n`);
} else if (options.cliCommand !== undefined) {
  await runCliCommand(options.cliCommand, options.datasource);
} else {
  await serve(options);
}
