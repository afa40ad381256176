import type * as database from "./database";
import type { Fixtures, RegisteredClient } from "./fixtures";
import { pkcePair } from "./fixtures";

export interface AttackDeps {
  fx: Fixtures;
  database: typeof database;
  /** The instance allowed to fetch metadata documents from this machine, and the hostile document host. */
  cimd: { base: string; documents: import("./document-server").DocumentServer };
}

/** An authorization request that is valid in every respect except what `override` changes (a value of null drops it). */
export function authorizeQuery(fx: Fixtures, client: RegisteredClient, override: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    response_type: "code",
    client_id: client.id,
    redirect_uri: client.redirectUri,
    code_challenge: pkcePair().challenge,
    code_challenge_method: "S256",
    state: "attack-state",
    resource: fx.resource,
    scope: "account:read",
    ...override,
  };
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null) search.set(k, v);
  return `/oauth/authorize?${search}`;
}

export function tokenRequest(fx: Fixtures, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<import("./http").Reply> {
  return import("./http").then(({ send }) =>
    send(`${fx.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) }),
  );
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

/**
 * The metadata-document instance keeps documents for the shortest lifetime allowed (PORTCULLIS_CIMD_MIN_CACHE), so that
 * a case can change a document and see it fetched again within the run; cases that measure fetch bounds use it too.
 */
export const CIMD_MIN_CACHE_SECONDS = 10;

/**
 * Runs `body` while calls to `tool` need approval by `approverRole`, removing the rule afterwards. The pauses let the
 * server under attack see each policy change (it picks them up through its change counters).
 */
export async function withToolApproval(tool: string, approverRole: string, body: () => Promise<void>): Promise<void> {
  const { setToolApproval, clearToolApproval } = await import("@/lib/approvals/set-tool-approval");
  const cli = { actor: "cli", ip: null, requestId: null };
  await setToolApproval(tool, [approverRole], 900, cli);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await body();
  } finally {
    await clearToolApproval(tool, cli);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  }
}
