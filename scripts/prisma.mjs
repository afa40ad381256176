// Runs the Prisma CLI (`npm run prisma -- <args>`). When Prisma's native schema engine is not installed, which is the
// case on hosts that cannot download it from binaries.prisma.sh, the CLI is pointed at
// scripts/prisma-schema-engine.mjs, a stand-in built on the WebAssembly schema engine. A PRISMA_SCHEMA_ENGINE_BINARY
// set by the user always wins.

import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const prismaDir = dirname(require.resolve("prisma/package.json"));
const cli = join(prismaDir, require("prisma/package.json").bin.prisma);
const shim = fileURLToPath(new URL("./prisma-schema-engine.mjs", import.meta.url));

/** Whether a native engine is where the CLI looks for one (@prisma/engines, or the prisma package itself). */
function hasNativeSchemaEngine() {
  const dirs = [prismaDir];
  try {
    dirs.push(dirname(createRequire(cli).resolve("@prisma/engines/package.json")));
  } catch {
    // Not installed: the CLI would not find an engine there either.
  }
  return dirs.some(
    (dir) => existsSync(dir) && readdirSync(dir).some((name) => /^schema-engine-(?!.*\.(gz|sha256|sig)$)/.test(name)),
  );
}

/** The shim as an executable path: the CLI spawns the engine directly, so it needs the execute permission. */
function executableShim() {
  const mode = statSync(shim).mode;
  if ((mode & 0o111) === 0o111) return shim;
  try {
    chmodSync(shim, mode | 0o111);
    return shim;
  } catch {
    // Read-only install: go through a launcher instead.
    const launcher = join(mkdtempSync(join(tmpdir(), "prisma-schema-engine-")), "schema-engine");
    const quote = (value) => `'${value.replaceAll("'", "'\\''")}'`;
    writeFileSync(launcher, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(shim)} "$@"\n`, { mode: 0o755 });
    return launcher;
  }
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasNativeSchemaEngine()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = executableShim();
  // The shim's `#!/usr/bin/env node` then finds the Node.js running this script.
  env.PATH = [dirname(process.execPath), env.PATH].filter(Boolean).join(delimiter);
}

const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit", env });
// The terminal delivers Ctrl-C to the CLI as well: let the CLI decide how to wind down, and exit when it does.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
