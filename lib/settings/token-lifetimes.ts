import { z } from "zod";
import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from "@/lib/revocation-view/revocation-state";

export const TOKEN_LIFETIMES_KEY = "token_lifetimes";

/** The bounds of each lifetime: the same as PORTCULLIS_ACCESS_TOKEN_TTL / PORTCULLIS_REFRESH_TOKEN_TTL accept. */
export const TOKEN_LIFETIME_BOUNDS = {
  // /mcp refuses any token living longer than MAX_ACCESS_TOKEN_LIFETIME_SECONDS, and its revocation view relies on it.
  accessTokenSeconds: { min: 30, max: MAX_ACCESS_TOKEN_LIFETIME_SECONDS },
  refreshTokenSeconds: { min: 300, max: 365 * 86_400 },
} as const;

const seconds = (label: string, { min, max }: { min: number; max: number }) =>
  z
    .number({ error: `${label} must be a number of seconds` })
    .int(`${label} must be a whole number of seconds`)
    .min(min, `${label} must be at least ${min} seconds`)
    .max(max, `${label} must be at most ${max} seconds`);

export const tokenLifetimesSchema = z
  .object({
    accessTokenSeconds: seconds("The access-token lifetime", TOKEN_LIFETIME_BOUNDS.accessTokenSeconds),
    refreshTokenSeconds: seconds("The refresh-token lifetime", TOKEN_LIFETIME_BOUNDS.refreshTokenSeconds),
  })
  .refine((l) => l.refreshTokenSeconds > l.accessTokenSeconds, {
    message: "A refresh token must outlive the access tokens it renews",
    path: ["refreshTokenSeconds"],
  });

export type TokenLifetimes = z.infer<typeof tokenLifetimesSchema>;

/** The lifetimes when nobody has set them in the console: the environment's (PORTCULLIS_*_TOKEN_TTL, validated there). */
export function defaultTokenLifetimes(): TokenLifetimes {
  return { accessTokenSeconds: env().accessTokenTtl, refreshTokenSeconds: env().refreshTokenTtl };
}

const cache = processState<{ version?: number; lifetimes?: TokenLifetimes; loading?: Promise<TokenLifetimes> }>("token-lifetimes", () => ({}));

async function load(version: number): Promise<TokenLifetimes> {
  const row = await db().setting.findUnique({ where: { key: TOKEN_LIFETIMES_KEY } });
  let lifetimes = defaultTokenLifetimes();
  if (row) {
    const parsed = tokenLifetimesSchema.safeParse(row.value);
    if (parsed.success) lifetimes = parsed.data;
    else logger.error("stored token lifetimes are invalid; using the defaults", { issues: parsed.error.issues });
  }
  if (topicVersion("settings") === version) Object.assign(cache, { version, lifetimes });
  return lifetimes;
}

/**
 * Access- and refresh-token lifetimes, console-editable (`Setting` row), defaulting to the environment's. Read on every
 * token issuance, so cached in memory until a `settings` change (here at once, elsewhere within the watcher's second);
 * concurrent readers share one load. Must be called outside a transaction (the embedded database serves one at a time).
 */
export function tokenLifetimes(): Promise<TokenLifetimes> {
  const version = topicVersion("settings");
  if (cache.lifetimes && cache.version === version) return Promise.resolve(cache.lifetimes);
  if (!cache.loading) {
    const loading = load(version).finally(() => {
      if (cache.loading === loading) cache.loading = undefined;
    });
    cache.loading = loading;
  }
  return cache.loading!;
}
