import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
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

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * Sends a migration script to the server whole, as Prisma's native engine does, instead of adapter-pg's split on every
 * ";" — which cuts a PL/pgSQL function body (a quoted string full of semicolons) into pieces that do not parse. One
 * simple-protocol query also runs the script as one implicit transaction: a migration applies completely or not at all.
 */
function wholeScripts(adapter: PgAdapter): PgAdapter {
  const queryable = adapter as PgAdapter & { onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      queryable.onError(error);
    }
  };
  return adapter;
}

export type SchemaEngineLog = (message: string) => void;

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
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
