import type { JWTPayload } from "jose";
import { db } from "@/lib/db/client";
import type { TrustedIdp } from "@/lib/db/generated/client";

export type SubjectMapping = { userId: string } | { refused: string };

/**
 * The local user an ID-JAG's subject stands for, by the IdP's subject mapping: a link made by an administrator
 * (`linked`), or the assertion's `email` claim when its domain is one the administrator allowed (`email`). A person
 * only, and not a disabled one.
 */
export async function mapIdpSubject(idp: TrustedIdp, claims: JWTPayload): Promise<SubjectMapping> {
  let userId: string | null = null;
  if (idp.subjectMapping === "linked") {
    const link = await db().idpAccountLink.findUnique({ where: { idpId_subject: { idpId: idp.id, subject: String(claims.sub) } } });
    if (!link) return { refused: `subject ${String(claims.sub).slice(0, 100)} is not linked to a local user` };
    userId = link.userId;
  } else {
    const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
    if (!email) return { refused: "the assertion has no email claim to map" };
    const domain = email.slice(email.lastIndexOf("@") + 1);
    if (!email.includes("@") || !idp.allowedEmailDomains.includes(domain)) return { refused: `email domain ${domain.slice(0, 100)} is not allowed for this identity provider` };
    const user = await db().user.findUnique({ where: { email }, select: { id: true } });
    if (!user) return { refused: "no local user has the assertion's email" };
    userId = user.id;
  }
  const user = await db().user.findUnique({ where: { id: userId }, select: { kind: true, disabledAt: true } });
  if (!user || user.kind !== "human") return { refused: "the mapped account is not a person" };
  if (user.disabledAt) return { refused: "the mapped user is disabled" };
  return { userId };
}
