export { createSigningKey, SIGNING_ALG } from "@/lib/keys/create-signing-key";
export { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
export { keyRing, publicJwks, type KeyRing } from "@/lib/keys/key-ring";
export { rotateSigningKeys } from "@/lib/keys/rotate-signing-keys";
export { seal, unseal } from "@/lib/keys/seal";
