import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import type { Tx } from "@/lib/db/client";
import { seal } from "@/lib/keys/seal";

export const SIGNING_ALG = "ES256";

/** Generates an ES256 key pair and stores it: public JWK in clear, private JWK sealed. kid = RFC 7638 thumbprint. */
export async function createSigningKey(tx: Tx): Promise<{ kid: string }> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const published: JWK = { ...publicJwk, kid, alg: SIGNING_ALG, use: "sig" };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
  await tx.signingKey.create({
    data: { kid, alg: SIGNING_ALG, publicJwk: published as object, privateJwkSealed: await seal(JSON.stringify(privateJwk)) },
  });
  return { kid };
}
