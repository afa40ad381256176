import { InvalidScope } from "@/lib/oauth/errors";

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const MAX_SCOPES = 100;

/** Splits a `scope` parameter into distinct tokens, refusing malformed ones. */
export function parseScopeParameter(value: string | undefined): string[] {
  if (value === undefined) return [];
  const tokens = value.split(" ").filter((t) => t !== "");
  if (tokens.length > MAX_SCOPES) throw new InvalidScope(`At most ${MAX_SCOPES} scopes may be requested.`);
  const bad = tokens.find((t) => !SCOPE_TOKEN.test(t));
  if (bad !== undefined) throw new InvalidScope("The scope parameter contains a malformed scope token.");
  return [...new Set(tokens)];
}

export function formatScope(scopes: Iterable<string>): string {
  return [...scopes].join(" ");
}

/** Keeps `scopes` that are in every one of `limits`, in the order of `scopes`. */
export function intersectScopes(scopes: readonly string[], ...limits: ReadonlyArray<Iterable<string>>): string[] {
  const sets = limits.map((l) => (l instanceof Set ? (l as Set<string>) : new Set(l)));
  return scopes.filter((s) => sets.every((set) => set.has(s)));
}
