/** Members of a JWK that only a private or symmetric key has: a published key set must contain none of them. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];
const MAX_KEYS = 20;

/**
 * Why a value cannot serve as a client's or an IdP's public key set (RFC 7517 §5), or null: an object with a `keys`
 * array of at most 20 public asymmetric keys.
 */
export function jwksProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return "has no keys array";
  if (keys.length > MAX_KEYS) return `has more than ${MAX_KEYS} keys`;
  for (const key of keys) {
    if (typeof key !== "object" || key === null || Array.isArray(key)) return "contains a key that is not an object";
    const { kty } = key as { kty?: unknown };
    if (kty !== "RSA" && kty !== "EC" && kty !== "OKP") return `contains a key of type ${String(kty)}; only RSA, EC and OKP public keys are accepted`;
    if (PRIVATE_MEMBERS.some((member) => member in key)) return "contains private key material";
  }
  return null;
}
