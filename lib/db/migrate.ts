import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { openSchemaEngine } from "@/lib/db/schema-engine";

export const MIGRATIONS_DIR = resolve(process.cwd(), "prisma/migrations");
const SCHEMA_FILE = resolve(process.cwd(), "prisma/schema.prisma");

// Prisma's own migration history table. The WebAssembly engine expects it to exist (P1014 otherwise).
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Serialises start-up migrations across instances sharing one PostgreSQL.
const MIGRATION_LOCK_KEY = 7_207_369_001;

function migrationList(dir: string) {
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
  const lockPath = join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: names.map((name) => {
      const file = join(dir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file)
            ? { tag: "ok" as const, value: readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `${file} is missing` },
        },
      };
    }),
  };
}

/** Applies every migration in prisma/migrations that the database has not seen. Returns the names applied. */
export async function applyPendingMigrations(url: string, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE_DDL);
    const { engine, close } = await openSchemaEngine(url, [["schema.prisma", readFileSync(SCHEMA_FILE, "utf8")]]);
    try {
      const result = await engine.applyMigrations({
        migrationsList: migrationList(dir),
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.appliedMigrationNames;
    } finally {
      await close();
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
