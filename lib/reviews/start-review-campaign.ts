import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError, describeIssues } from "@/lib/errors";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";
import { resolveReviewers } from "@/lib/reviews/resolve-reviewers";
import { gatherReviewEvidence } from "@/lib/reviews/review-evidence";
import { startReviewSchema, type StartReviewInput } from "@/lib/reviews/review-input";

/**
 * Starts an access-review campaign over the active grants it covers, one item per grant with its evidence, and the
 * `review.started` event — all in one transaction, so a refused campaign (nothing covered, a due date past, a reviewer
 * who could not act, a grant only its own holder could review) leaves nothing behind.
 */
export async function startReviewCampaign(input: StartReviewInput, ctx: AuditContext, now = new Date()): Promise<{ id: string; items: number; reviewers: number }> {
  const parsed = startReviewSchema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const campaign = parsed.data;
  if (campaign.dueAt.getTime() <= now.getTime()) throw new AppError("invalid_input", `The due date ${campaign.dueAt.toISOString()} is in the past: choose a future date.`);
  return db().$transaction(async (tx) => {
    const snapshot = await loadPolicySnapshot(tx);
    const clientIds = await Promise.all(
      campaign.clients.map(async (c) => {
        const client = await tx.client.findFirst({ where: { OR: [{ id: c }, { name: c }] }, select: { id: true } });
        if (!client) throw new AppError("invalid_input", `No client ${c}.`);
        return client.id;
      }),
    );
    const userIds = await Promise.all(
      campaign.users.map(async (u) => {
        const user = await tx.user.findFirst({ where: { OR: [{ email: u.toLowerCase() }, { id: u }] }, select: { id: true } });
        if (!user) throw new AppError("invalid_input", `No user ${u}.`);
        return user.id;
      }),
    );
    const roleIds = campaign.roles.map((r) => {
      const id = snapshot.roleIdsByName.get(r);
      if (!id) throw new AppError("invalid_input", `No role ${r}.`);
      return id;
    });
    for (const s of campaign.scopes) if (!snapshot.scopes.has(s)) throw new AppError("invalid_input", `No scope ${s}.`);

    const grants = await tx.grant.findMany({
      where: {
        revokedAt: null,
        ...(clientIds.length ? { clientId: { in: clientIds } } : {}),
        ...(userIds.length ? { userId: { in: userIds } } : {}),
        ...(roleIds.length ? { user: { roles: { some: { roleId: { in: roleIds } } } } } : {}),
        ...(campaign.scopes.length ? { scopes: { hasSome: campaign.scopes } } : {}),
      },
      select: { id: true, userId: true, clientId: true, scopes: true, createdAt: true, lastUsedAt: true, user: { select: { email: true } } },
      orderBy: { createdAt: "asc" },
    });
    if (grants.length === 0) throw new AppError("invalid_input", "The campaign covers no active grant: widen its clients, users, roles or scopes.");

    const reviewers = await resolveReviewers(tx, snapshot, { roles: campaign.reviewerRoles, users: campaign.reviewerUsers });
    const orphan = grants.find((g) => reviewers.userIds.every((r) => r === g.userId));
    if (orphan) throw new AppError("invalid_input", `Nobody reviews their own access: ${orphan.user.email}'s grants need a reviewer other than ${orphan.user.email}.`);

    const evidence = await gatherReviewEvidence(tx, snapshot, grants, now);
    const coverage = { clientIds, userIds, roles: campaign.roles, scopes: campaign.scopes };
    const created = await tx.reviewCampaign.create({
      data: {
        name: campaign.name,
        dueAt: campaign.dueAt,
        undecided: campaign.undecided,
        coverage,
        reviewerUserIds: reviewers.userIds,
        reviewerRoles: reviewers.roles,
        createdBy: ctx.actor,
      },
    });
    await tx.reviewItem.createMany({
      data: grants.map((g) => ({
        campaignId: created.id,
        grantId: g.id,
        userId: g.userId,
        clientId: g.clientId,
        scopes: g.scopes,
        evidence: evidence.get(g.id) as object,
        decidedScopes: [],
      })),
    });
    await appendAudit(tx, [
      {
        kind: "review.started",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `access review "${campaign.name}" started over ${grants.length} grant(s), due ${campaign.dueAt.toISOString()}; undecided items will be ${campaign.undecided === "keep" ? "kept" : "revoked"}`,
        detail: { campaignId: created.id, name: campaign.name, items: grants.length, dueAt: campaign.dueAt.toISOString(), undecided: campaign.undecided, coverage, reviewers: reviewers.userIds, reviewerRoles: reviewers.roles },
      },
    ]);
    return { id: created.id, items: grants.length, reviewers: reviewers.userIds.length };
  });
}
