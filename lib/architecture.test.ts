import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Imports point down: app/ (routes) → components/ (React) → lib/ (the product). A component that reached into app/
// would tie a reusable piece to one route; a route or component that opened the database would skip lib/, where the
// queries, their checks and their audit events live.

const root = join(__dirname, "..");

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** Every module a file imports or re-exports, static or dynamic; relative paths are rewritten to their `@/` form. */
function importedModules(file: string): string[] {
  const source = readFileSync(join(root, file), "utf8");
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g);
  return [...found].map(([, module]) => (module.startsWith(".") ? `@/${relative(root, join(root, dirname(file), module))}` : module));
}

function offenders(folders: string[], forbidden: (module: string) => boolean): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(folder).flatMap((file) => importedModules(file).filter(forbidden).map((module) => `${file} imports ${module}`)),
  );
}

const isAppModule = (module: string) => module === "@/app" || module.startsWith("@/app/");
const isDatabaseModule = (module: string) => module === "@/lib/db" || module.startsWith("@/lib/db/");

describe("imports only point down", () => {
  it("no component imports from app/ (server actions live in lib/actions/)", () => {
    expect(offenders(["components"], isAppModule)).toEqual([]);
  });

  it("no page, route or component imports the database client (they call lib/ functions that own their queries)", () => {
    expect(offenders(["app", "components"], isDatabaseModule)).toEqual([]);
  });

  it("the scan sees the source it guards", () => {
    // A scan that found no files, or no imports, would pass vacuously.
    expect(sourceFiles("components").length).toBeGreaterThan(10);
    expect(importedModules("app/(console)/page.tsx")).toContain("@/lib/auth/console-user");
  });
});
