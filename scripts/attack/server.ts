import { spawn, type ChildProcess } from "node:child_process";

export interface RunningServer {
  base: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `tsx server.ts` (the production server, which builds first when the build is missing or stale) in its
 * own process group, and waits until /readyz answers.
 */
export async function startServer(port: number, env: Record<string, string>, readyWithinMs: number): Promise<RunningServer> {
  const base = `http://localhost:${port}`;
  let output = "";
  const child: ChildProcess = spawn("node_modules/.bin/tsx", ["server.ts"], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", PORTCULLIS_BASE_URL: base, NEXT_TELEMETRY_DISABLED: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  const stop = async () => {
    if (exited || !child.pid) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (!exited) process.kill(-child.pid, "SIGKILL");
  };

  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (exited) throw new Error(`Portcullis on port ${port} exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Portcullis on port ${port} did not become ready:\n${output}`);
    }
    try {
      if ((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) })).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { base, port, output: () => output, stop };
}
