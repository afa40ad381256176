import type { Db } from "@/lib/db/client";

export interface SigningKeyView {
  kid: string;
  alg: string;
  createdAt: Date;
  retiredAt: Date | null;
  publishUntil: Date | null;
  /** `active`: signs new tokens; `published`: retired, its tokens still verify; `expired`: no longer published. */
  state: "active" | "published" | "expired";
}

/** Every signing key, newest first, with its state. Public parts only — never the sealed private key. */
export async function listSigningKeys(database: Db, now = new Date()): Promise<SigningKeyView[]> {
  const rows = await database.signingKey.findMany({
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { kid: true, alg: true, createdAt: true, retiredAt: true, publishUntil: true },
  });
  return rows.map((k) => ({
    ...k,
    state: k.retiredAt === null ? "active" : k.publishUntil && k.publishUntil > now ? "published" : "expired",
  }));
}
