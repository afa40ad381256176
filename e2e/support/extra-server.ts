import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A second Portcullis server for journeys that need another configuration than the shared e2e server (which runs in
 * builtin mode): its own port, its own embedded data directory, its own environment. Start it in `beforeAll`, stop it
 * in `afterAll`. Uses the same production build as the shared server.
 */
export interface ExtraServer {
  baseUrl: string;
  dataDir: string;
  /** Runs the CLI against this server's data (as a guest of its embedded database). */
  cli(args: string[], stdin?: string): { code: number; stdout: string; stderr: string };
  /**
   * The same, without blocking this process: for a command that calls back into something this process serves (the
   * WorkOS stand-in), which a synchronous run would keep from answering.
   */
  cliAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Creates a user through the CLI and returns its credentials. */
  createUser(roles: string[], prefix?: string): { email: string; password: string; id: string };
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startExtraServer(port: number, env: Record<string, string>): Promise<ExtraServer> {
  const baseUrl = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-e2e-extra-"));
  const serverEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    PORTCULLIS_BASE_URL: baseUrl,
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
  };
  let output = "";
  // Its own process group, so stopping it stops tsx and the node process it runs — and nothing else.
  const child: ChildProcess = spawn("node_modules/.bin/tsx", ["server.ts"], { env: serverEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  let exited = false;
  child.on("exit", () => (exited = true));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`Portcullis on port ${port} exited during start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`Portcullis on port ${port} did not become ready:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  let counter = 0;
  const cli = (args: string[], stdin?: string) => {
    const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], { input: stdin, encoding: "utf8", env: serverEnv, timeout: 60_000 });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  const cliAsync = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const command = spawn("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], { env: serverEnv, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
      let stdout = "";
      let stderr = "";
      command.stdout?.on("data", (d) => (stdout += d));
      command.stderr?.on("data", (d) => (stderr += d));
      command.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  return {
    baseUrl,
    dataDir,
    cli,
    cliAsync,
    createUser(roles, prefix = "user") {
      counter += 1;
      const email = `${prefix}-${Date.now().toString(36)}-${counter}@example.test`;
      const password = `pw-${Math.random().toString(36).slice(2)}-long-enough`;
      const result = cli(["users", "create", "--email", email, ...roles.flatMap((r) => ["--role", r]), "--password-stdin", "--json"], password);
      if (result.code !== 0) throw new Error(`users create failed (${result.code}): ${result.stderr}`);
      return { email, password, id: JSON.parse(result.stdout).id };
    },
    output: () => output,
    async stop() {
      if (!exited && child.pid) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-child.pid, "SIGTERM");
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (!exited) process.kill(-child.pid, "SIGKILL");
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
