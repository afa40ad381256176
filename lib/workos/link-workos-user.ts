import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { Tx } from "@/lib/db/client";
import { emailSchema } from "@/lib/users/user-input";

/** A WorkOS user, as the User Management API describes them. */
export interface WorkosProfile {
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  /** Set by the bridge: the Portcullis user id that completed the AuthKit sign-in. */
  externalId: string | null;
}

export interface LinkPolicy {
  /** How an unlinked WorkOS user may be matched to an existing local user, tried in order. */
  match: Array<"external_id" | "verified_email">;
  /** Create a local user (no roles, no password) when nothing matches. */
  create: boolean;
}

export type LinkOutcome = { userId: string; how: "known" | "linked" | "created" } | null;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function link(tx: Tx, userId: string, email: string, profile: WorkosProfile, rule: string, ctx: AuditContext): Promise<LinkOutcome> {
  await tx.user.update({ where: { id: userId }, data: { workosUserId: profile.id } });
  await appendAudit(tx, [
    {
      kind: "user.updated",
      actor: ctx.actor,
      subject: userId,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason: `user ${email} linked to WorkOS user ${profile.id} (${rule})`,
      detail: { change: "workos_linked", workosUserId: profile.id, rule },
    },
  ]);
  return { userId, how: "linked" };
}

/**
 * The local user for a WorkOS user: the one already linked (`workosUserId`); else, per policy, an existing local user
 * matched by the bridge's `external_id` or by a verified email — never a service identity, never one linked to
 * another WorkOS user; else, if allowed, a new human user with no roles. Returns null when nothing may be used.
 * Linking and creating are policy changes, audited in the same transaction; racing calls end with one link.
 */
export async function linkWorkosUser(profile: WorkosProfile, policy: LinkPolicy, ctx: AuditContext): Promise<LinkOutcome> {
  try {
    return await changeTransaction(["policy"], (tx) => linkInTx(tx, profile, policy, ctx));
  } catch (error) {
    // P2002: a concurrent call linked or created this WorkOS user first; use theirs.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return changeTransaction(["policy"], (tx) => linkInTx(tx, profile, { match: [], create: false }, ctx));
  }
}

async function linkInTx(tx: Tx, profile: WorkosProfile, policy: LinkPolicy, ctx: AuditContext): Promise<LinkOutcome> {
  const known = await tx.user.findUnique({ where: { workosUserId: profile.id }, select: { id: true } });
  if (known) return { userId: known.id, how: "known" };
  const email = emailSchema.safeParse(profile.email);
  for (const rule of policy.match) {
    if (rule === "external_id" && profile.externalId && UUID.test(profile.externalId)) {
      const user = await tx.user.findUnique({ where: { id: profile.externalId } });
      if (user && user.kind === "human" && user.workosUserId === null) return link(tx, user.id, user.email, profile, "bridge external_id", ctx);
    }
    if (rule === "verified_email" && profile.emailVerified && email.success) {
      const user = await tx.user.findUnique({ where: { email: email.data } });
      if (user && user.kind === "human" && user.workosUserId === null) return link(tx, user.id, user.email, profile, "verified email", ctx);
    }
  }
  if (!policy.create) return null;
  // The WorkOS email when it is verified and free locally; otherwise an address that can never be delivered (RFC 2606
  // .invalid), so an unverified email can neither take over nor squat on the address of a person yet to be added.
  const free =
    profile.emailVerified && email.success && !(await tx.user.findUnique({ where: { email: email.data }, select: { id: true } }));
  const localEmail = free ? email.data! : `${profile.id.toLowerCase().replace(/[^a-z0-9_.-]/g, "")}@workos.invalid`;
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(" ").slice(0, 120) || localEmail;
  const user = await tx.user.create({ data: { email: localEmail, name, kind: "human", workosUserId: profile.id } });
  await appendAudit(tx, [
    {
      kind: "user.created",
      actor: ctx.actor,
      subject: user.id,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason: `user ${localEmail} created on first sight of WorkOS user ${profile.id}, with no roles`,
      detail: { email: localEmail, name, kind: "human", roles: [], workosUserId: profile.id, source: "authkit" },
    },
  ]);
  return { userId: user.id, how: "created" };
}
