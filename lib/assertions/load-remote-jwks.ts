import type { JSONWebKeySet } from "jose";
import { AssertionRejected } from "@/lib/assertions/assertion-rejected";
import { jwksProblem } from "@/lib/assertions/jwks-problem";
import { cacheLifetimeSeconds } from "@/lib/clients/fetch-client-metadata-document";
import { env } from "@/lib/env";
import { fetchPublicJson, PublicFetchError } from "@/lib/http/fetch-public-json";
import { processState } from "@/lib/process-state";

const JWKS_TIMEOUT_MS = 3_000;
const JWKS_MAX_BYTES = 64 * 1024;
/** Key sets are kept at least this long (and a failure remembered as long), whatever the cache headers say. */
const MIN_CACHE_SECONDS = 60;
/** An unknown `kid` refetches the set (a rotation), but not more often than this, so forged kids cannot drive fetches. */
const REFETCH_COOLDOWN_MS = 10_000;
const MAX_REMEMBERED = 1_000;

interface Remembered {
  fetchedAt: number;
  until: number;
  outcome: { ok: true; set: JSONWebKeySet } | { ok: false; message: string };
}

const cache = processState("remote-jwks", () => ({ entries: new Map<string, Remembered>(), inFlight: new Map<string, Promise<Remembered>>() }));

async function fetchOnce(uri: string): Promise<Remembered> {
  const fetchedAt = Date.now();
  try {
    const fetched = await fetchPublicJson(uri, {
      allowPrivate: env().cimdAllowPrivate,
      timeoutMs: JWKS_TIMEOUT_MS,
      maxBytes: JWKS_MAX_BYTES,
      labels: { document: "jwks_uri document", url: "jwks_uri", host: "jwks_uri host" },
    });
    const problem = jwksProblem(fetched.body);
    if (problem) throw new PublicFetchError(`jwks_uri document ${problem}`);
    const ttl = Math.max(cacheLifetimeSeconds(fetched.cacheControl, fetched.expires, fetchedAt), MIN_CACHE_SECONDS);
    return { fetchedAt, until: fetchedAt + ttl * 1000, outcome: { ok: true, set: fetched.body as unknown as JSONWebKeySet } };
  } catch (error) {
    if (!(error instanceof PublicFetchError)) throw error;
    return { fetchedAt, until: fetchedAt + MIN_CACHE_SECONDS * 1000, outcome: { ok: false, message: error.message } };
  }
}

function remember(uri: string, entry: Remembered): void {
  if (cache.entries.size >= MAX_REMEMBERED) cache.entries.clear();
  cache.entries.set(uri, entry);
}

/**
 * The key set at a `jwks_uri` (a client's, or a trusted IdP's), fetched through the same defensive fetcher as client
 * metadata documents (https only, no redirects, 3 s, 64 KiB, never a private address) and cached by its HTTP cache
 * headers, at least a minute. `refresh` asks for a fresh copy after an unknown `kid` (a key rotation); it is honoured at
 * most once per 10 s per URL. A failure is an AssertionRejected naming it.
 */
export async function loadRemoteJwks(uri: string, options: { refresh?: boolean } = {}): Promise<JSONWebKeySet> {
  const known = cache.entries.get(uri);
  const now = Date.now();
  const stale = !known || known.until <= now || (options.refresh === true && now - known.fetchedAt >= REFETCH_COOLDOWN_MS);
  let entry = known;
  if (stale) {
    let running = cache.inFlight.get(uri);
    if (!running) {
      running = fetchOnce(uri).finally(() => cache.inFlight.delete(uri));
      cache.inFlight.set(uri, running);
    }
    entry = await running;
    remember(uri, entry);
  }
  if (!entry!.outcome.ok) throw new AssertionRejected(`the key set could not be used: ${entry!.outcome.message}`);
  return entry!.outcome.set;
}

/** For tests: forget every cached key set. */
export function forgetRemoteJwks(): void {
  cache.entries.clear();
}
