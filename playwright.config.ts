import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL, E2E_PORT, e2eServerEnv } from "./e2e/support/server";

const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One retry: a journey that passes only on its retry is reported as flaky by name (and by `npm test`), not hidden.
  retries: 1,
  reporter: [
    ["list"],
    ["html", { outputFolder: "playwright-report", open: "never" }],
    // `npm test` reads this to print what failed, and its error, just above its summary.
    ...(process.env.PORTCULLIS_E2E_REPORT ? [["json", { outputFile: process.env.PORTCULLIS_E2E_REPORT }] as const] : []),
  ],
  use: {
    baseURL: E2E_BASE_URL,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: { executablePath: process.env.PORTCULLIS_CHROMIUM ?? "/usr/bin/chromium", args: chromiumArgs },
  },
  projects: [
    // First-run setup only works on an empty database, so it runs before every other journey.
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    { name: "console", testIgnore: /first-run\.spec\.ts/, dependencies: ["first-run"] },
  ],
  webServer: {
    command: "node_modules/.bin/tsx server.ts",
    url: `${E2E_BASE_URL}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: e2eServerEnv(),
    stdout: "pipe",
    stderr: "pipe",
  },
});

export { E2E_PORT };
