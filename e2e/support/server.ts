import { resolve } from "node:path";

/** The Portcullis instance the browser journeys run against: its own port and its own embedded data directory. */
export const E2E_PORT = Number(process.env.PORTCULLIS_E2E_PORT ?? 3210);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATA_DIR = resolve(process.env.PORTCULLIS_E2E_DATA_DIR ?? "test-results/e2e-data");

export function e2eServerEnv(): Record<string, string> {
  return {
    PORT: String(E2E_PORT),
    HOST: "127.0.0.1",
    PORTCULLIS_BASE_URL: E2E_BASE_URL,
    PORTCULLIS_DATA_DIR: E2E_DATA_DIR,
    PORTCULLIS_LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  };
}
