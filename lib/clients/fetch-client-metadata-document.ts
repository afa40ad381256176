import { fetchPublicJson, PublicFetchError } from "@/lib/http/fetch-public-json";
import { env } from "@/lib/env";
import { processState } from "@/lib/process-state";
import { hitRateLimit, metadataDocumentFetches } from "@/lib/rate-limit";

export const CIMD_TIMEOUT_MS = 3_000;
export const CIMD_MAX_BYTES = 64 * 1024;
/**
 * Without cache headers a document is fetched again after this long; with them, never later than the cap, and never
 * sooner than PORTCULLIS_CIMD_MIN_CACHE (60 s) whatever they say: `no-store` must not turn every authorization request
 * into an outbound fetch.
 */
const DEFAULT_TTL_SECONDS = 600;
const MAX_TTL_SECONDS = 86_400;
/** Documents (and failures) this process remembers; beyond it the entries nearest expiry go first. */
const MAX_REMEMBERED = 2_000;

/** Why a client ID metadata document could not be used. The message is safe to show. */
export class ClientMetadataDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClientMetadataDocumentError";
  }
}

export interface FetchedClientMetadataDocument {
  document: Record<string, unknown>;
  fetchedAt: Date;
  /** When the document must be fetched again (HTTP cache headers, capped). */
  expiresAt: Date;
}

/** True when a client_id should be treated as a metadata document URL rather than a registered id. */
export function isClientIdUrl(clientId: string): boolean {
  return clientId.startsWith("https://") || clientId.startsWith("http://");
}

/**
 * CIMD draft §3: an https URL with a path, no fragment, no userinfo, no dot segments, in canonical form (so the same
 * client cannot appear under two spellings of its id).
 */
export function clientIdUrlProblem(clientId: string): string | null {
  if (clientId.length > 2000) return "is longer than 2000 characters";
  if (!URL.canParse(clientId)) return "is not a URL";
  const url = new URL(clientId);
  if (url.protocol !== "https:") return "must use https";
  if (url.username || url.password) return "must not contain userinfo";
  if (clientId.includes("#")) return "must not contain a fragment";
  if (url.pathname === "/" || url.pathname === "") return "must have a path";
  if (/\/\.\.?(\/|$|\?)/.test(clientId.slice(url.origin.length))) return "must not contain . or .. path segments";
  if (url.href !== clientId) return `is not in canonical form (${url.href})`;
  return null;
}

export function cacheLifetimeSeconds(cacheControl: string | undefined, expires: string | undefined, now: number): number {
  const directives = (cacheControl ?? "").toLowerCase();
  if (/(^|[,\s])(no-store|no-cache)([,\s=]|$)/.test(directives)) return 0;
  const maxAge = directives.match(/(?:^|[,\s])max-age=(\d+)/);
  if (maxAge) return Math.min(Number(maxAge[1]), MAX_TTL_SECONDS);
  if (expires) {
    const at = Date.parse(expires);
    if (Number.isFinite(at)) return Math.max(0, Math.min(Math.floor((at - now) / 1000), MAX_TTL_SECONDS));
  }
  return DEFAULT_TTL_SECONDS;
}

/** One fetch over the network, with every defence of fetchPublicJson. */
async function fetchDocumentOnce(clientId: string, options: { allowPrivate: boolean }): Promise<FetchedClientMetadataDocument> {
  const problem = clientIdUrlProblem(clientId);
  if (problem) throw new ClientMetadataDocumentError(`client_id URL ${problem}`);
  const fetchedAt = Date.now();
  try {
    const fetched = await fetchPublicJson(clientId, {
      allowPrivate: options.allowPrivate,
      timeoutMs: CIMD_TIMEOUT_MS,
      maxBytes: CIMD_MAX_BYTES,
      labels: { document: "client metadata document", url: "client_id URL", host: "client_id host" },
    });
    const ttl = Math.max(cacheLifetimeSeconds(fetched.cacheControl, fetched.expires, fetchedAt), env().cimdMinCacheSeconds);
    return { document: fetched.body, fetchedAt: new Date(fetchedAt), expiresAt: new Date(fetchedAt + ttl * 1000) };
  } catch (error) {
    if (error instanceof PublicFetchError) throw new ClientMetadataDocumentError(error.message);
    throw error;
  }
}

interface Remembered {
  until: number;
  outcome: { ok: true; value: FetchedClientMetadataDocument } | { ok: false; message: string };
}

const remembered = processState("cimd-documents", () => ({ entries: new Map<string, Remembered>(), inFlight: new Map<string, Promise<FetchedClientMetadataDocument>>() }));

function remember(key: string, entry: Remembered): void {
  const { entries } = remembered;
  entries.delete(key);
  if (entries.size >= MAX_REMEMBERED) {
    const now = Date.now();
    for (const [k, v] of entries) if (v.until <= now) entries.delete(k);
    if (entries.size >= MAX_REMEMBERED) {
      const soonest = [...entries].sort((a, b) => a[1].until - b[1].until).slice(0, entries.size - MAX_REMEMBERED + 1);
      for (const [k] of soonest) entries.delete(k);
    }
  }
  entries.set(key, entry);
}

/**
 * Fetches a client ID metadata document (CIMD draft §4, MCP 2025-11-25 §Client ID Metadata Documents) defensively:
 * https only, no redirects, a 3 s deadline, 64 KiB at most, JSON only, and — unless `allowPrivate` (development) —
 * never a private, loopback or link-local address. The address check runs inside the connection's own DNS lookup, so
 * a name that resolves differently a second time (DNS rebinding) cannot slip past it.
 *
 * Anyone can name any document in an authorization request, so the fetching is bounded: a document is kept at least
 * PORTCULLIS_CIMD_MIN_CACHE seconds whatever its cache headers say, a failure is remembered just as long, requests
 * for a document already being fetched wait for that fetch, and each document is fetched at most
 * PORTCULLIS_CIMD_FETCH_LIMIT times per 10 minutes across every instance (counted in the shared database).
 */
export async function fetchClientMetadataDocument(clientId: string, options: { allowPrivate: boolean }): Promise<FetchedClientMetadataDocument> {
  const problem = clientIdUrlProblem(clientId);
  if (problem) throw new ClientMetadataDocumentError(`client_id URL ${problem}`);
  const key = `${options.allowPrivate ? "any" : "public"} ${clientId}`;
  const known = remembered.entries.get(key);
  if (known && known.until > Date.now()) {
    if (known.outcome.ok) return known.outcome.value;
    throw new ClientMetadataDocumentError(known.outcome.message);
  }
  const running = remembered.inFlight.get(key);
  if (running) return running;
  const fetching = fetchCounted(clientId, options, key);
  remembered.inFlight.set(key, fetching);
  try {
    return await fetching;
  } finally {
    remembered.inFlight.delete(key);
  }
}

async function fetchCounted(clientId: string, options: { allowPrivate: boolean }, key: string): Promise<FetchedClientMetadataDocument> {
  const hit = await hitRateLimit(metadataDocumentFetches(), clientId);
  if (!hit.allowed) {
    throw new ClientMetadataDocumentError(`client metadata document was fetched too often; try again in ${hit.retryAfter} seconds`);
  }
  const minimumMs = env().cimdMinCacheSeconds * 1000;
  try {
    const fetched = await fetchDocumentOnce(clientId, options);
    remember(key, { until: Math.max(fetched.expiresAt.getTime(), Date.now() + minimumMs), outcome: { ok: true, value: fetched } });
    return fetched;
  } catch (error) {
    if (error instanceof ClientMetadataDocumentError) remember(key, { until: Date.now() + minimumMs, outcome: { ok: false, message: error.message } });
    throw error;
  }
}

/** For tests: forget every remembered document and failure. */
export function forgetClientMetadataDocuments(): void {
  remembered.entries.clear();
}
