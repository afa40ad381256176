/**
 * The production build and when it is stale: `npm start` builds first when the sources are newer than the last build
 * (so one command always runs the current code), and the benchmark harness builds once before starting instances.
 */
import { spawnSync, type StdioOptions } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { NEXT_TELEMETRY_OFF } from "@/lib/disable-next-telemetry";

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

/** Runs `next build`, with Next.js's telemetry off; true when it succeeded. */
export function buildProduction(stdio: StdioOptions = "inherit"): boolean {
  const next = join("node_modules", "next", "dist", "bin", "next");
  return spawnSync(process.execPath, [next, "build"], { stdio, env: { ...process.env, ...NEXT_TELEMETRY_OFF } }).status === 0;
}

// `npm run build`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(buildProduction() ? 0 : 1);
