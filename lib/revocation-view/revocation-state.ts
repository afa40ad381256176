import { topicVersion } from "@/lib/changes/change-versions";
import { db, type Db } from "@/lib/db/client";
import { processState } from "@/lib/process-state";

/**
 * The longest an access token may live (the upper bound of PORTCULLIS_ACCESS_TOKEN_TTL). The endpoint refuses
 * tokens whose `exp - iat` exceeds it, which is what lets the revocation view below stay small: a grant revoked longer
 * ago than this cannot have a live token left.
 */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 86_400;
// Clock skew accepted on `exp`, plus room for a revocation whose transaction was slow to commit.
const WINDOW_MARGIN_SECONDS = 120;

export interface RevocationState {
  version: number;
  loadedAt: Date;
  /** Grants revoked recently enough that one of their tokens may still be unexpired. */
  revokedGrants: ReadonlySet<string>;
  /** Access tokens (jti) revoked one by one, until they expire. */
  revokedTokens: ReadonlySet<string>;
  /** Deny-list entries (`Revocation` table), for tokens Portcullis did not issue: by jti, client or subject. */
  deniedTokens: ReadonlySet<string>;
  deniedClients: ReadonlySet<string>;
  deniedSubjects: ReadonlySet<string>;
  /** Grants an access review narrowed recently enough that a live token may carry more: the scopes they keep. */
  narrowedGrants: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads what is revoked and could still matter. Bounded by time rather than by a `revokedAt` watermark: a watermark
 * misses a revocation whose transaction took its timestamp before, but committed after, the last one seen; a window
 * of one maximum token lifetime cannot, and stays small because nothing older can carry a live token.
 */
export async function loadRevocationState(database: Db, version = 0, now = new Date()): Promise<RevocationState> {
  const since = new Date(now.getTime() - (MAX_ACCESS_TOKEN_LIFETIME_SECONDS + WINDOW_MARGIN_SECONDS) * 1000);
  const stillLive = new Date(now.getTime() - WINDOW_MARGIN_SECONDS * 1000);
  const [grants, tokens, denials, narrowed] = await Promise.all([
    database.grant.findMany({ where: { revokedAt: { gte: since } }, select: { id: true } }),
    database.accessToken.findMany({ where: { revokedAt: { not: null }, expiresAt: { gte: stillLive } }, select: { jti: true } }),
    database.revocation.findMany({
      where: { OR: [{ expiresAt: null }, { expiresAt: { gte: now } }] },
      select: { kind: true, value: true },
    }),
    database.grant.findMany({ where: { scopesNarrowedAt: { gte: since }, revokedAt: null }, select: { id: true, scopes: true } }),
  ]);
  const denied = (kind: string) => new Set(denials.filter((d) => d.kind === kind).map((d) => d.value));
  return {
    version,
    loadedAt: now,
    revokedGrants: new Set(grants.map((g) => g.id)),
    revokedTokens: new Set(tokens.map((t) => t.jti)),
    deniedTokens: denied("token"),
    deniedClients: denied("client"),
    deniedSubjects: denied("user"),
    narrowedGrants: new Map(narrowed.map((g) => [g.id, g.scopes])),
  };
}

interface RevocationCache {
  state?: RevocationState;
  loading?: Promise<RevocationState>;
}

const cache = processState<RevocationCache>("revocation-cache", () => ({}));

/**
 * What is revoked, from memory. Every revocation commits with a `revocations` epoch bump; the first request after the
 * version moves (here at once, elsewhere within the watcher's second) reloads — once, shared by concurrent callers — so
 * no call is accepted after the revoking call has returned.
 */
export function revocationState(): Promise<RevocationState> {
  const version = topicVersion("revocations");
  if (cache.state?.version === version) return Promise.resolve(cache.state);
  const settle = (state: RevocationState) => (state.version === topicVersion("revocations") ? state : revocationState());
  if (cache.loading) return cache.loading.then(settle);
  const loading = loadRevocationState(db(), version)
    .then((state) => {
      if (topicVersion("revocations") === version) cache.state = state;
      return state;
    })
    .finally(() => {
      if (cache.loading === loading) cache.loading = undefined;
    });
  cache.loading = loading;
  return loading.then(settle);
}
