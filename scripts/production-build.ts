/**
 * The production build and when it is stale: `npm start` builds first when the sources are newer than the last build
 * (so one command always runs the current code), and the benchmark harness builds once before starting instances.
 */
import { spawnSync, type StdioOptions } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const SOURCES = ["app", "components", "lib", "next.config.ts", "package-lock.json", "postcss.config.mjs"];

function newestSource(paths: string[]): number {
  let newest = 0;
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== "node_modules" && !entry.endsWith(".test.ts")) walk(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

/** Whether `.next` holds a build at least as new as every source file. */
export function productionBuildIsCurrent(): boolean {
  const buildId = join(".next", "BUILD_ID");
  return existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource(SOURCES);
}

/** Runs `next build`; true when it succeeded. */
export function buildProduction(stdio: StdioOptions = "inherit"): boolean {
  return spawnSync(process.execPath, [join("node_modules", "next", "dist", "bin", "next"), "build"], { stdio }).status === 0;
}
