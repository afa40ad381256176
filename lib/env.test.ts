import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, reloadEnv } from "@/lib/env";

const strongSecret = "k9Qm2xV7pL4tR8wZ1cF6hJ3nB5sD0gY2aE7uI9oP";
const base = { NODE_ENV: "production" as const };

function problems(source: Record<string, string>): string[] {
  try {
    reloadEnv({ ...base, ...source });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("embedded mode needs nothing: it generates a secret beside the data, readable by the owner only", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "portcullis-env-"));
    const config = reloadEnv({ ...base, PORTCULLIS_DATA_DIR: dataDir });
    expect(config).toMatchObject({ embedded: true, issuer: "http://localhost:3000", mcpResource: "http://localhost:3000/mcp" });
    const file = join(dataDir, "secret");
    expect(readFileSync(file, "utf8").trim()).toBe(config.secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(reloadEnv({ ...base, PORTCULLIS_DATA_DIR: dataDir }).secret).toBe(config.secret);
  });

  it("refuses PostgreSQL without a shared deployment secret", () => {
    expect(problems({ DATABASE_URL: "postgresql://db.internal/portcullis" })).toEqual([
      "PORTCULLIS_SECRET is required with DATABASE_URL: every instance must share it (openssl rand -base64 48)",
    ]);
  });

  it("refuses an audit retention shorter than 31 days, and takes 0 (keep every event) or a longer one", () => {
    expect(problems({ PORTCULLIS_AUDIT_RETENTION_DAYS: "10" })).toEqual(["PORTCULLIS_AUDIT_RETENTION_DAYS: must be 0 (keep every event) or at least 31 days"]);
    const dataDir = mkdtempSync(join(tmpdir(), "portcullis-env-"));
    expect(reloadEnv({ ...base, PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_AUDIT_RETENTION_DAYS: "400" }).auditPartitions).toEqual({ monthsAhead: 3, retentionDays: 400, archiveDir: join(dataDir, "audit-archive") });
    expect(reloadEnv({ ...base, PORTCULLIS_DATA_DIR: dataDir }).auditPartitions.retentionDays).toBe(0);
  });

  it("refuses a short or repetitive secret", () => {
    expect(problems({ PORTCULLIS_SECRET: "short" })[0]).toMatch(/^PORTCULLIS_SECRET is too short/);
    expect(problems({ PORTCULLIS_SECRET: "ab".repeat(20) })[0]).toMatch(/too repetitive/);
  });

  it("refuses an http issuer outside localhost unless explicitly allowed", () => {
    expect(problems({ PORTCULLIS_BASE_URL: "http://portcullis.example.com", PORTCULLIS_SECRET: strongSecret })[0]).toMatch(
      /an issuer outside localhost must use https/,
    );
    expect(
      problems({ PORTCULLIS_BASE_URL: "http://10.0.0.5:3000", PORTCULLIS_SECRET: strongSecret, PORTCULLIS_ALLOW_INSECURE_ISSUER: "true" }),
    ).toEqual([]);
  });

  it("strips the trailing slash from the issuer and keeps a path", () => {
    const config = reloadEnv({ ...base, PORTCULLIS_BASE_URL: "https://id.example.com/portcullis/", PORTCULLIS_SECRET: strongSecret });
    expect(config.issuer).toBe("https://id.example.com/portcullis");
    expect(config.mcpResource).toBe("https://id.example.com/portcullis/mcp");
  });

  it("listens for other instances' changes by default and reconciles every second; both can be tuned", () => {
    const pg = { DATABASE_URL: "postgresql://db.internal/portcullis", PORTCULLIS_SECRET: strongSecret };
    expect(reloadEnv({ ...base, ...pg })).toMatchObject({ changeListen: true, reconcileMs: 1000 });
    expect(reloadEnv({ ...base, ...pg, PORTCULLIS_CHANGE_LISTEN: "false", PORTCULLIS_RECONCILE_MS: "250" })).toMatchObject({
      changeListen: false,
      reconcileMs: 250,
    });
    expect(problems({ ...pg, PORTCULLIS_RECONCILE_MS: "10" })[0]).toMatch(/^PORTCULLIS_RECONCILE_MS: /);
    expect(problems({ ...pg, PORTCULLIS_CHANGE_LISTEN: "maybe" })[0]).toMatch(/^PORTCULLIS_CHANGE_LISTEN: /);
  });

  it("names every malformed value at once", () => {
    const found = problems({ DATABASE_URL: "mysql://x", PORT: "99999", PORTCULLIS_ACCESS_TOKEN_TTL: "5" });
    expect(found).toHaveLength(3);
    expect(found.join("\n")).toMatch(/DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(found.join("\n")).toMatch(/PORT:/);
    expect(found.join("\n")).toMatch(/PORTCULLIS_ACCESS_TOKEN_TTL:/);
  });

  it("refuses an issuer URL with a query or fragment", () => {
    expect(problems({ PORTCULLIS_BASE_URL: "https://id.example.com/?x=1", PORTCULLIS_SECRET: strongSecret })).toEqual([
      "PORTCULLIS_BASE_URL must not have a query or fragment",
    ]);
  });
});
