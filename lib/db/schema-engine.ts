import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

// Prisma's schema engine compiled to WebAssembly. It needs no native binary and no download, so migrations work on
// air-gapped hosts. The package targets bundlers, so the .wasm module is instantiated here by hand.
type WasmBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg") & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let bindings: Promise<WasmBindings> | undefined;

async function loadBindings(): Promise<WasmBindings> {
  const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as WasmBindings;
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = join(dirname(gluePath), "schema_engine_bg.wasm");
  // The engine arms long timers (query timeouts) that would hold a short-lived process open; unref them.
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
    const arm = imports[name] as (...args: unknown[]) => NodeJS.Timeout;
    imports[name] = (...args: unknown[]) => {
      const timer = arm(...args);
      timer.unref?.();
      return timer;
    };
  }
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    "./schema_engine_bg.js": imports as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

export type SchemaEngineLog = (message: string) => void;

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

type ScriptAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * The pg adapter runs a migration script by splitting it at every `;` — inside a function body too, which breaks any
 * PL/pgSQL (the last-admin guard's trigger). A script with a dollar-quoted body goes to PostgreSQL whole instead: the
 * simple query protocol runs it as one implicit transaction, as `psql -1` would. Other scripts keep the adapter's way
 * (statement by statement, so e.g. `ALTER TYPE … ADD VALUE` stays usable later in the same script). Errors go through
 * the adapter's own mapping either way.
 */
function wholeScripts(adapter: ScriptAdapter): ScriptAdapter {
  const driver = adapter.underlyingDriver() as pg.Pool;
  const split = adapter.executeScript.bind(adapter);
  adapter.executeScript = async (script: string) => {
    if (!/\$[A-Za-z_]*\$/.test(script)) return split(script);
    try {
      await driver.query(script);
    } catch (error) {
      (adapter as unknown as { onError(error: unknown): never }).onError(error);
    }
  };
  return adapter;
}

/** Opens the WebAssembly schema engine on a PostgreSQL-protocol database (PostgreSQL or embedded PGlite). */
export async function openSchemaEngine(
  connectionString: string,
  datamodels: Array<[path: string, text: string]>,
  log: SchemaEngineLog = () => {},
): Promise<OpenSchemaEngine> {
  bindings ??= loadBindings();
  const glue = await bindings;
  const factory = new PrismaPg({ connectionString, max: 1 });
  const opened: Array<{ dispose(): Promise<void> }> = [];
  // The engine never disposes the adapters it connects; track them so their pools do not outlive the engine.
  const tracking = Object.assign(Object.create(Object.getPrototypeOf(factory)), factory, {
    connect: async () => {
      const adapter = wholeScripts(await factory.connect());
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = wholeScripts(await factory.connectToShadowDb());
      opened.push(adapter);
      return adapter;
    },
  });
  const engine = await glue.SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(tracking));
  return {
    engine,
    async close() {
      engine.free();
      await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => {})));
    },
  };
}
