import { createPrivateKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { importJWK, type CryptoKey, type JWK } from "jose";
import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { SIGNING_ALG } from "@/lib/keys/create-signing-key";
import { unseal } from "@/lib/keys/seal";
import { processState } from "@/lib/process-state";

export interface KeyRing {
  version: number;
  /** When a retired key stops being published: the ring reloads then, without any change event. */
  staleAt: number;
  /** The key new tokens are signed with: a node:crypto key, imported once, for lib/keys/sign-es256-jws.ts. */
  active: { kid: string; privateKey: KeyObject };
  /** Keys whose tokens are still accepted: the active one and retired ones until their last token expires. */
  published: Map<string, { jwk: JWK; publicKey: CryptoKey }>;
}

const cache = processState<{ ring?: KeyRing; loading?: Promise<KeyRing> }>("key-ring", () => ({}));

/** The active private JWK as a node:crypto key; anything but a P-256 private key is refused, so ES256 is all it signs. */
function signingKeyObject(jwk: JWK): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
  } catch {
    throw new AppError("unavailable", "The active signing key cannot be read as a private key.");
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new AppError("unavailable", `The active signing key is not a P-256 key, which ${SIGNING_ALG} needs.`);
  }
  return key;
}

async function loadKeyRing(version: number): Promise<KeyRing> {
  const now = new Date();
  const rows = await db().signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { publishUntil: { gt: now } }] },
    orderBy: { createdAt: "desc" },
  });
  const current = rows.find((r) => r.retiredAt === null);
  if (!current) throw new AppError("unavailable", "No active signing key: start-up did not complete.");
  const published = new Map<string, { jwk: JWK; publicKey: CryptoKey }>();
  for (const row of rows) {
    const jwk = row.publicJwk as JWK;
    published.set(row.kid, { jwk, publicKey: (await importJWK(jwk, SIGNING_ALG)) as CryptoKey });
  }
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await unseal(current.privateJwkSealed)) as JWK;
  } catch {
    throw new AppError(
      "unavailable",
      "The signing key cannot be decrypted: PORTCULLIS_SECRET differs from the one the key was sealed with.",
    );
  }
  const expiries = rows.filter((r) => r.publishUntil).map((r) => r.publishUntil!.getTime());
  return {
    version,
    staleAt: expiries.length ? Math.min(...expiries) : Number.POSITIVE_INFINITY,
    active: { kid: current.kid, privateKey: signingKeyObject(privateJwk) },
    published,
  };
}

/**
 * The signing keys, imported once and cached until a key change (rotation here or elsewhere). A load that began
 * before the latest change is not handed out: its read may predate the new key (another instance's token signed with
 * it would be refused as signed by an unknown key), so the caller waits for a load at the current version.
 */
export function keyRing(): Promise<KeyRing> {
  const version = topicVersion("keys");
  if (cache.ring?.version === version && Date.now() < cache.ring.staleAt) return Promise.resolve(cache.ring);
  const settle = (ring: KeyRing) => (ring.version === topicVersion("keys") ? ring : keyRing());
  if (cache.loading) return cache.loading.then(settle);
  const loading = loadKeyRing(version)
    .then((ring) => {
      if (topicVersion("keys") === version) cache.ring = ring;
      return ring;
    })
    .finally(() => {
      if (cache.loading === loading) cache.loading = undefined;
    });
  cache.loading = loading;
  return loading.then(settle);
}

/** The public JWK Set served at the JWKS endpoint. */
export async function publicJwks(): Promise<{ keys: JWK[] }> {
  const ring = await keyRing();
  return { keys: [...ring.published.values()].map((k) => k.jwk) };
}
