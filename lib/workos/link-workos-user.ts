import { appendAudit, recordAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { Tx } from "@/lib/db/client";
import { isPrivilegedAccount, loadPrivilegeView } from "@/lib/privilege/privilege-view";
import { mayAutoLink, workosLinking, type WorkosLinking } from "@/lib/settings/workos-linking";
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

interface Placement {
  outcome: LinkOutcome;
  /** An existing account the WorkOS user's verified email names, that may not be linked automatically. */
  refused?: { userId: string; email: string; why: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A link between a local user and a WorkOS user, and its `user.linked` audit event (every link has one). */
export async function writeWorkosLink(tx: Tx, user: { id: string; email: string }, workosUserId: string, rule: string, ctx: AuditContext, detail: Record<string, unknown> = {}): Promise<void> {
  await tx.user.update({ where: { id: user.id }, data: { workosUserId } });
  await appendAudit(tx, [
    {
      kind: "user.linked",
      actor: ctx.actor,
      subject: user.id,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason: `user ${user.email} linked to WorkOS user ${workosUserId} (${rule})`,
      detail: { workosUserId, rule, ...detail },
    },
  ]);
}

/**
 * The local user for a WorkOS user: the one already linked (`workosUserId`); else, per policy, an existing local user
 * matched by the bridge's `external_id` (which Portcullis itself gave AuthKit after that user signed in here) or by a
 * verified email — only at a domain an admin listed for automatic linking, never an account holding iam_admin or a
 * write scope, never a service identity, never one linked to another WorkOS user; else, if allowed, a new human user
 * with no roles. Returns null when nothing may be used. An email naming an account that may not be linked
 * automatically creates nothing (an admin links it: `users link-workos`) and is audited as `user.link_refused`.
 * Linking and creating are policy changes, audited in the same transaction; racing calls end with one link.
 */
export async function linkWorkosUser(profile: WorkosProfile, policy: LinkPolicy, ctx: AuditContext): Promise<LinkOutcome> {
  // Read before the transaction: the embedded database serves one connection at a time.
  const linking = await workosLinking();
  let placement: Placement;
  try {
    placement = await changeTransaction(["policy"], (tx) => placeInTx(tx, profile, policy, linking, ctx));
  } catch (error) {
    // P2002: a concurrent call linked or created this WorkOS user first; use theirs.
    if ((error as { code?: string }).code !== "P2002") throw error;
    placement = await changeTransaction(["policy"], (tx) => placeInTx(tx, profile, { match: [], create: false }, linking, ctx));
  }
  if (placement.refused) {
    const { userId, email, why } = placement.refused;
    await recordAudit({
      kind: "user.link_refused",
      actor: ctx.actor,
      subject: userId,
      ip: ctx.ip,
      requestId: ctx.requestId,
      decision: "deny",
      reason: `WorkOS user ${profile.id} not linked to ${email} by verified email: ${why}`,
      detail: { workosUserId: profile.id, workosEmail: profile.email, why },
    });
  }
  return placement.outcome;
}

async function placeInTx(tx: Tx, profile: WorkosProfile, policy: LinkPolicy, linking: WorkosLinking, ctx: AuditContext): Promise<Placement> {
  const known = await tx.user.findUnique({ where: { workosUserId: profile.id }, select: { id: true } });
  if (known) return { outcome: { userId: known.id, how: "known" } };
  const email = emailSchema.safeParse(profile.email);
  const trusted = profile.emailVerified && email.success && mayAutoLink(linking, email.data);
  for (const rule of policy.match) {
    if (rule === "external_id" && profile.externalId && UUID.test(profile.externalId)) {
      const user = await tx.user.findUnique({ where: { id: profile.externalId } });
      if (user && user.kind === "human" && user.workosUserId === null) {
        await writeWorkosLink(tx, user, profile.id, "bridge external_id", ctx);
        return { outcome: { userId: user.id, how: "linked" } };
      }
    }
    if (rule === "verified_email" && profile.emailVerified && email.success) {
      const user = await tx.user.findUnique({ where: { email: email.data } });
      if (!user || user.kind !== "human" || user.workosUserId !== null) continue;
      if (!trusted) {
        const domain = email.data.slice(email.data.lastIndexOf("@") + 1);
        return { outcome: null, refused: { userId: user.id, email: user.email, why: `${domain} is not listed for automatic linking` } };
      }
      const account = await (await loadPrivilegeView(tx)).user(user.id);
      if (account && isPrivilegedAccount(account)) {
        return { outcome: null, refused: { userId: user.id, email: user.email, why: "the account holds iam_admin or a write scope, so only an admin may link it" } };
      }
      await writeWorkosLink(tx, user, profile.id, "verified email", ctx, { workosEmail: email.data });
      return { outcome: { userId: user.id, how: "linked" } };
    }
  }
  if (!policy.create) return { outcome: null };
  // The WorkOS email only when it is verified at a trusted domain and free locally; otherwise an address that can never
  // be delivered (RFC 2606 .invalid), so an untrusted email can neither take over nor squat on the address of a person
  // yet to be added.
  const free = trusted && !(await tx.user.findUnique({ where: { email: email.data! }, select: { id: true } }));
  const localEmail = free ? email.data! : `${profile.id.toLowerCase().replace(/[^a-z0-9_.-]/g, "")}@workos.invalid`;
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(" ").slice(0, 120) || localEmail;
  const user = await tx.user.create({ data: { email: localEmail, name, kind: "human" } });
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
  await writeWorkosLink(tx, user, profile.id, "created on first sight", ctx);
  return { outcome: { userId: user.id, how: "created" } };
}
