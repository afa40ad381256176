import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { openEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";

const opened: EmbeddedDatabase[] = [];
afterAll(async () => {
  await closeDatabase();
  for (const db of opened) await db.close();
});

/**
 * Runs the CLI in its own process against a data directory, as an operator would. Asynchronously: this test process
 * may be the database host, and a blocked event loop would never answer the CLI.
 */
function cli(dataDir: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], {
      env: { ...process.env, PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_SECRET: "", DATABASE_URL: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

function freshDir() {
  return mkdtempSync(join(tmpdir(), "portcullis-embedded-"));
}

// Embedded-only: the PostgreSQL pass has nothing to add here.
describe.skipIf(process.env.PORTCULLIS_TEST_POSTGRES_URL)("the embedded database", () => {
  it("lets the CLI host it when no server runs, and leaves no lock behind", async () => {
    const dir = freshDir();
    const created = await cli(dir, ["users", "create", "--email", "solo@example.test", "--role", "developer", "--password-stdin"], "a-password-long-enough");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(existsSync(join(dir, "portcullis.lock"))).toBe(false);
    const listed = await cli(dir, ["users", "list", "--json"]);
    expect(JSON.parse(listed.stdout).map((u: { email: string }) => u.email)).toEqual(["solo@example.test"]);
  });

  it("serves a running host's data to the CLI, which joins as a guest", async () => {
    const dir = freshDir();
    const first = await cli(dir, ["admin", "create", "--email", "boss@example.test"]);
    expect(first.code).toBe(0);
    const host = await openEmbeddedDatabase(dir, "server");
    opened.push(host);
    expect(host.hosted).toBe(true);
    // While this process hosts, a CLI process can still read and write.
    const created = await cli(dir, ["users", "create", "--email", "guest@example.test", "--password-stdin"], "a-password-long-enough");
    expect(created.code).toBe(0);
    const listed = await cli(dir, ["users", "list", "--json"]);
    expect(JSON.parse(listed.stdout).map((u: { email: string }) => u.email).sort()).toEqual(["boss@example.test", "guest@example.test"]);
  });

  it("refuses a second server on the same data directory with a clear message", () => {
    const host = opened[0];
    expect(host).toBeDefined();
    const dir = new URL(host.url).searchParams.get("host")!.replace(/\/run$/, "");
    const second = spawnSync(
      "node_modules/.bin/tsx",
      ["-e", `import("@/lib/db/embedded").then(m => m.openEmbeddedDatabase(${JSON.stringify(dir)}, "server", 1000)).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })`],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(second.status).toBe(3);
    expect(second.stderr).toMatch(/Another Portcullis server \(pid \d+\) is already using .*Stop it first, or use PostgreSQL/);
  });

  it("takes over a lock left by a process that died", async () => {
    const dir = freshDir();
    expect((await cli(dir, ["users", "list"])).code).toBe(0);
    writeFileSync(
      join(dir, "portcullis.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, role: "server", socketDir: join(dir, "run"), startedAt: new Date(0).toISOString() }),
    );
    const listed = await cli(dir, ["users", "list", "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});

describe("the CLI reports bad configuration plainly", () => {
  it("names an unreachable PostgreSQL without a stack trace", () => {
    const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", "users", "list"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "postgresql://nobody:secret@127.0.0.1:1/portcullis", PORTCULLIS_SECRET: "k9Qm2xV7pL4tR8wZ1cF6hJ3nB5sD0gY2aE7uI9oP" },
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("users list: Cannot reach PostgreSQL at 127.0.0.1:1/portcullis: connection refused");
  });

  it("names a malformed DATABASE_URL", () => {
    const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", "users", "list"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "mysql://localhost/x" },
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL: must be a postgresql:// URL");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
