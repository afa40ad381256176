import { spawnSync } from "node:child_process";
import { e2eServerEnv } from "./server";

/** Runs the Portcullis CLI against the running e2e server's data (as a guest of its embedded database). */
export function portcullis(args: string[], stdin?: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], {
    input: stdin,
    encoding: "utf8",
    env: { ...process.env, ...e2eServerEnv() },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

let counter = 0;

/** Creates a user through the CLI and returns its credentials. */
export function createUser(roles: string[], prefix = "user"): { email: string; password: string; id: string } {
  counter += 1;
  const email = `${prefix}-${Date.now().toString(36)}-${counter}@example.test`;
  const password = `pw-${Math.random().toString(36).slice(2)}-long-enough`;
  const result = portcullis(["users", "create", "--email", email, ...roles.flatMap((r) => ["--role", r]), "--password-stdin", "--json"], password);
  if (result.code !== 0) throw new Error(`users create failed (${result.code}): ${result.stderr}`);
  return { email, password, id: JSON.parse(result.stdout).id };
}

/** Registers MCP tools (name → required scope) in the e2e server's database; existing ones are left as they are. */
export function seedTools(tools: Record<string, string>): void {
  const result = spawnSync("node_modules/.bin/tsx", ["e2e/support/seed-tools.ts", JSON.stringify(tools)], {
    encoding: "utf8",
    env: { ...process.env, ...e2eServerEnv() },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`seeding tools failed (${result.status}): ${result.stderr}`);
}

/** Records audit events (as the MCP endpoint would record decisions) in the e2e server's hash-chained log. */
export function recordEvents(events: Array<Record<string, unknown>>): void {
  const result = spawnSync("node_modules/.bin/tsx", ["e2e/support/record-events.ts", JSON.stringify(events)], {
    encoding: "utf8",
    env: { ...process.env, ...e2eServerEnv() },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`recording events failed (${result.status}): ${result.stderr}`);
}
