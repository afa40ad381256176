import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { workosConfig, workosConfigProblems, workosEnvSchema } from "@/lib/workos/workos-config";

/**
 * Portcullis configuration, read once from the environment and validated. Nothing else reads process.env.
 *
 * Two modes: embedded (no DATABASE_URL: PGlite under PORTCULLIS_DATA_DIR, safe defaults, a secret generated on first
 * start) and server (DATABASE_URL set: PostgreSQL, possibly several instances, so the deployment secret must be
 * configured and shared — a generated one would differ per instance).
 */

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** The shortest audit retention accepted: anything shorter would archive a month on the day after it ends. */
export const MIN_AUDIT_RETENTION_DAYS = 31;

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORTCULLIS_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// URL")
    .refine((v) => URL.canParse(v), "is not a valid URL")
    .optional(),
  PORTCULLIS_DATA_DIR: z.string().min(1).default("./data"),
  PORTCULLIS_SECRET: z.string().optional(),
  PORTCULLIS_ALLOW_INSECURE_ISSUER: booleanFlag.default(false),
  PORTCULLIS_TRUSTED_PROXIES: z.string().default(""),
  PORTCULLIS_ACCESS_TOKEN_TTL: seconds(600, 30, 86_400),
  PORTCULLIS_REFRESH_TOKEN_TTL: seconds(30 * 86_400, 300, 365 * 86_400),
  PORTCULLIS_CIMD_ALLOW_PRIVATE: booleanFlag.default(false),
  PORTCULLIS_ALLOWED_ORIGINS: z.string().default(""),
  PORTCULLIS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Cross-instance change propagation (PostgreSQL only): LISTEN/NOTIFY for immediate notice, and the reconciliation
  // poll of the change epochs that catches anything a notification missed.
  PORTCULLIS_CHANGE_LISTEN: booleanFlag.default(true),
  PORTCULLIS_RECONCILE_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  // Signed audit checkpoints (lib/audit/schedule-audit-checkpoints.ts): the chain's head is signed after this many
  // events, or this many seconds after the last checkpoint when anything was appended since.
  PORTCULLIS_AUDIT_CHECKPOINT_EVENTS: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  PORTCULLIS_AUDIT_CHECKPOINT_SECONDS: seconds(60, 1, 86_400),
  // The audit log at scale (PostgreSQL; lib/audit/schedule-audit-partitions.ts): monthly partitions kept this many
  // months ahead; with a retention period, months wholly older than it are archived to JSON Lines files in the archive
  // directory (verified) and then dropped. 0 keeps every event. Shorter than 31 days is refused: it would archive the
  // month just ended on its first day.
  PORTCULLIS_AUDIT_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(24).default(3),
  PORTCULLIS_AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(36_500)
    .refine((days) => days === 0 || days >= MIN_AUDIT_RETENTION_DAYS, `must be 0 (keep every event) or at least ${MIN_AUDIT_RETENTION_DAYS} days`)
    .default(0),
  PORTCULLIS_AUDIT_ARCHIVE_DIR: z.string().min(1).optional(),
  // Abuse bounds (lib/rate-limit, lib/maintenance). Refusals at /mcp recorded one by one per minute across every
  // address (beyond it: one summary event); password hashes computed at once and queued (beyond: 429).
  PORTCULLIS_REFUSAL_AUDIT_PER_MINUTE: z.coerce.number().int().min(10).max(100_000).default(300),
  PORTCULLIS_PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  PORTCULLIS_PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  // Client ID Metadata Documents: kept at least this long whatever their cache headers say (failures too), and
  // fetched at most PORTCULLIS_CIMD_FETCH_LIMIT times per document per 10 minutes across all instances.
  PORTCULLIS_CIMD_MIN_CACHE: seconds(60, 10, 86_400),
  PORTCULLIS_CIMD_FETCH_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
  // The sweeper of expired codes, tokens and counters: how often each instance runs it (jittered), how long past
  // expiry an artefact is kept, and how many rows one statement deletes.
  PORTCULLIS_SWEEP_INTERVAL: seconds(60, 5, 86_400),
  PORTCULLIS_SWEEP_GRACE: seconds(3600, 300, 30 * 86_400),
  PORTCULLIS_SWEEP_BATCH: z.coerce.number().int().min(10).max(100_000).default(1000),
  // Gateway (lib/gateway): per-upstream call timeout, the largest upstream answer relayed, the most tools mirrored per
  // server, calls in flight per upstream, and how often each instance refreshes the mirror (0: never periodically).
  PORTCULLIS_GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  PORTCULLIS_GATEWAY_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(10 * 1024 * 1024),
  PORTCULLIS_GATEWAY_MAX_TOOLS: z.coerce.number().int().min(1).max(10_000).default(500),
  PORTCULLIS_GATEWAY_MAX_CONCURRENT: z.coerce.number().int().min(1).max(10_000).default(64),
  PORTCULLIS_GATEWAY_REFRESH_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  // Audit sinks (lib/sinks): how often each instance looks for events to deliver, how long one delivery may take, the
  // longest back-off after failures, and how long an instance holds a sink's lease without renewing it.
  PORTCULLIS_SINK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  PORTCULLIS_SINK_TIMEOUT: seconds(10, 1, 120),
  PORTCULLIS_SINK_MAX_BACKOFF: seconds(60, 1, 3600),
  PORTCULLIS_SINK_LEASE: seconds(30, 5, 600),
  // Approvals (lib/approvals): attempts at notifying the webhook of a new request and the first back-off (doubling);
  // how long a held call's retry after URL elicitation waits for the approver's decision before asking again.
  PORTCULLIS_APPROVAL_NOTIFY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  PORTCULLIS_APPROVAL_NOTIFY_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  PORTCULLIS_APPROVAL_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(20_000),
  // PORTCULLIS_ISSUER_MODE and WORKOS_*: the rules for each issuer mode live in lib/workos/workos-config.ts.
  ...workosEnvSchema,
});

export type Env = ReturnType<typeof buildEnv>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Portcullis cannot start with this configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const MIN_SECRET_LENGTH = 32;

function buildEnv(source: NodeJS.ProcessEnv) {
  // An empty variable (`FOO=` in a compose file) means "not set", not "set to nothing".
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const embedded = raw.DATABASE_URL === undefined;
  const dataDir = isAbsolute(raw.PORTCULLIS_DATA_DIR) ? raw.PORTCULLIS_DATA_DIR : resolve(raw.PORTCULLIS_DATA_DIR);

  const baseUrl = new URL(raw.PORTCULLIS_BASE_URL ?? `http://localhost:${raw.PORT}`);
  if (baseUrl.search || baseUrl.hash) problems.push("PORTCULLIS_BASE_URL must not have a query or fragment");
  if (baseUrl.protocol === "http:" && !LOOPBACK_HOSTS.has(baseUrl.hostname) && !raw.PORTCULLIS_ALLOW_INSECURE_ISSUER) {
    problems.push(
      `PORTCULLIS_BASE_URL is ${baseUrl.origin}: an issuer outside localhost must use https (tokens and codes would cross the network in clear). Set PORTCULLIS_ALLOW_INSECURE_ISSUER=true only for a closed test network.`,
    );
  }

  let secret = raw.PORTCULLIS_SECRET;
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    problems.push(`PORTCULLIS_SECRET is too short: use at least ${MIN_SECRET_LENGTH} random characters (openssl rand -base64 48)`);
  } else if (secret !== undefined && new Set(secret).size < 10) {
    problems.push("PORTCULLIS_SECRET is too repetitive to be a random secret (openssl rand -base64 48)");
  }
  if (secret === undefined && !embedded) {
    problems.push(
      "PORTCULLIS_SECRET is required with DATABASE_URL: every instance must share it (openssl rand -base64 48)",
    );
  }
  problems.push(...workosConfigProblems(raw, raw.PORTCULLIS_ALLOW_INSECURE_ISSUER));
  if (problems.length > 0) throw new ConfigError(problems);
  secret ??= embeddedSecret(dataDir);

  // The issuer identifier has no trailing slash (RFC 8414 §2 compares it as an exact string).
  const issuer = baseUrl.href.replace(/\/$/, "");
  const split = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    nodeEnv: raw.NODE_ENV,
    port: raw.PORT,
    host: raw.HOST,
    issuer,
    mcpResource: `${issuer}/mcp`,
    databaseUrl: raw.DATABASE_URL,
    embedded,
    dataDir,
    secret,
    trustedProxies: split(raw.PORTCULLIS_TRUSTED_PROXIES),
    accessTokenTtl: raw.PORTCULLIS_ACCESS_TOKEN_TTL,
    refreshTokenTtl: raw.PORTCULLIS_REFRESH_TOKEN_TTL,
    cimdAllowPrivate: raw.PORTCULLIS_CIMD_ALLOW_PRIVATE,
    allowedOrigins: [baseUrl.origin, ...split(raw.PORTCULLIS_ALLOWED_ORIGINS)],
    logLevel: raw.PORTCULLIS_LOG_LEVEL,
    changeListen: raw.PORTCULLIS_CHANGE_LISTEN,
    reconcileMs: raw.PORTCULLIS_RECONCILE_MS,
    auditCheckpoint: { everyEvents: raw.PORTCULLIS_AUDIT_CHECKPOINT_EVENTS, everySeconds: raw.PORTCULLIS_AUDIT_CHECKPOINT_SECONDS },
    auditPartitions: {
      monthsAhead: raw.PORTCULLIS_AUDIT_PARTITIONS_AHEAD,
      retentionDays: raw.PORTCULLIS_AUDIT_RETENTION_DAYS,
      archiveDir: raw.PORTCULLIS_AUDIT_ARCHIVE_DIR ?? join(dataDir, "audit-archive"),
    },
    refusalAuditPerMinute: raw.PORTCULLIS_REFUSAL_AUDIT_PER_MINUTE,
    passwordHash: { concurrency: raw.PORTCULLIS_PASSWORD_HASH_CONCURRENCY, queue: raw.PORTCULLIS_PASSWORD_HASH_QUEUE },
    cimdMinCacheSeconds: raw.PORTCULLIS_CIMD_MIN_CACHE,
    cimdFetchLimit: raw.PORTCULLIS_CIMD_FETCH_LIMIT,
    sweep: { intervalSeconds: raw.PORTCULLIS_SWEEP_INTERVAL, graceSeconds: raw.PORTCULLIS_SWEEP_GRACE, batch: raw.PORTCULLIS_SWEEP_BATCH },
    gateway: {
      timeoutMs: raw.PORTCULLIS_GATEWAY_TIMEOUT_MS,
      maxResponseBytes: raw.PORTCULLIS_GATEWAY_MAX_RESPONSE_BYTES,
      maxTools: raw.PORTCULLIS_GATEWAY_MAX_TOOLS,
      maxConcurrent: raw.PORTCULLIS_GATEWAY_MAX_CONCURRENT,
      refreshSeconds: raw.PORTCULLIS_GATEWAY_REFRESH_SECONDS,
    },
    sinks: {
      pollMs: raw.PORTCULLIS_SINK_POLL_MS,
      timeoutMs: raw.PORTCULLIS_SINK_TIMEOUT * 1000,
      maxBackoffMs: raw.PORTCULLIS_SINK_MAX_BACKOFF * 1000,
      leaseSeconds: raw.PORTCULLIS_SINK_LEASE,
    },
    approvals: {
      notifyAttempts: raw.PORTCULLIS_APPROVAL_NOTIFY_ATTEMPTS,
      notifyBackoffMs: raw.PORTCULLIS_APPROVAL_NOTIFY_BACKOFF_MS,
      waitMs: raw.PORTCULLIS_APPROVAL_WAIT_MS,
    },
    issuerMode: raw.PORTCULLIS_ISSUER_MODE,
    workos: workosConfig(raw, issuer),
  };
}

/** Embedded mode keeps a generated secret beside the data, readable by the owner only. */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, "secret");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= MIN_SECRET_LENGTH) return stored;
    throw new ConfigError([`${file} holds no usable secret; delete it to have a new one generated`]);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const generated = randomBytes(48).toString("base64url");
  try {
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process (the CLI beside the server) generated it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return embeddedSecret(dataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return generated;
}

let cached: Env | undefined;

/** The validated configuration. Throws ConfigError listing every problem at once. */
export function env(): Env {
  cached ??= buildEnv(process.env);
  return cached;
}

/** For tests: read the configuration again after changing process.env. */
export function reloadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  cached = buildEnv(source);
  return cached;
}
