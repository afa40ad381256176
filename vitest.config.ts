import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts"],
    environment: "node",
    // A fixed test-only secret and base URL, so tests never generate files under ./data.
    env: {
      PORTCULLIS_SECRET: "vitest-only-secret-0123456789abcdefghijklmnopqrstuvwxyz",
      PORTCULLIS_BASE_URL: "http://localhost:3999",
      PORTCULLIS_LOG_LEVEL: "error",
    },
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one worker on the 2-core CI machine, idle while a test waits
    // on PostgreSQL or a spawned server. Two halve the wall time; every file has its own database and its own ports.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
