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
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
