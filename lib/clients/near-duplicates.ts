export interface DuplicateCandidate {
  id: string;
  name: string;
  status: string;
  source: string;
  redirectUris: readonly string[];
  softwareId: string | null;
  createdAt: Date;
}

export type DuplicateReason = "same_name" | "similar_name" | "same_redirect_host" | "same_software_id";

export interface DuplicateGroup {
  reason: DuplicateReason;
  /** What they share: the name, host or software id. */
  value: string;
  /** The other clients, newest first. */
  clients: DuplicateCandidate[];
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** A name as people would read it: case, spacing, punctuation, width variants and copy suffixes ("(2)") ignored. */
export function normalizeClientName(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s*\(\d+\)\s*$/, "")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = 2): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/** Names a reviewer could mistake for each other: one or two letters apart (typosquatting), never for short names. */
function similarNames(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length);
  if (shorter < 5) return false;
  return editDistance(a, b, shorter >= 10 ? 2 : 1) <= (shorter >= 10 ? 2 : 1);
}

/** Redirect hosts that identify a site (loopback is every native app's, so it says nothing). */
export function redirectHosts(uris: readonly string[]): string[] {
  const hosts = new Set<string>();
  for (const uri of uris) {
    if (!URL.canParse(uri)) continue;
    const url = new URL(uri);
    if (url.protocol !== "https:" && url.protocol !== "http:") continue;
    if (LOOPBACK.has(url.hostname.toLowerCase())) continue;
    hosts.add(url.hostname.toLowerCase());
  }
  return [...hosts];
}

/**
 * Other registrations that look like the same client (DESIGN §2): the same or a confusably similar name, a redirect
 * URI on the same host, the same software_id. Many such registrations usually mean a client that re-registers on every
 * start — or one imitating another. Grouped by what they share; each other client appears in its strongest group only.
 */
export function groupNearDuplicates(target: DuplicateCandidate, candidates: readonly DuplicateCandidate[]): DuplicateGroup[] {
  const name = normalizeClientName(target.name);
  const hosts = new Set(redirectHosts(target.redirectUris));
  const groups = new Map<string, DuplicateGroup>();
  const add = (reason: DuplicateReason, value: string, client: DuplicateCandidate) => {
    const key = `${reason}\n${value}`;
    const group = groups.get(key) ?? { reason, value, clients: [] };
    group.clients.push(client);
    groups.set(key, group);
  };
  for (const other of candidates) {
    if (other.id === target.id) continue;
    if (target.softwareId && other.softwareId === target.softwareId) {
      add("same_software_id", target.softwareId, other);
      continue;
    }
    const otherName = normalizeClientName(other.name);
    if (name && otherName === name) {
      add("same_name", target.name, other);
      continue;
    }
    const shared = redirectHosts(other.redirectUris).find((h) => hosts.has(h));
    if (shared) {
      add("same_redirect_host", shared, other);
      continue;
    }
    if (name && similarNames(name, otherName)) add("similar_name", other.name, other);
  }
  const order: Record<DuplicateReason, number> = { same_software_id: 0, same_name: 1, same_redirect_host: 2, similar_name: 3 };
  return [...groups.values()]
    .map((g) => ({ ...g, clients: [...g.clients].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()) }))
    .sort((a, b) => order[a.reason] - order[b.reason] || b.clients.length - a.clients.length || a.value.localeCompare(b.value));
}
