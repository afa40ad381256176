import { createHash } from "node:crypto";
import { notifyApprovalRequest } from "@/lib/approvals/notify-approval-request";
import { APPROVAL_WEBHOOK_KEY } from "@/lib/approvals/approval-webhook";
import { appendAudit } from "@/lib/audit";
import { recordedArguments } from "@/lib/audit/recorded-arguments";
import { db } from "@/lib/db/client";
import { effectiveRoleNames } from "@/lib/policy/condition-routes";
import type { Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";

export interface CallToHold {
  userId: string;
  clientId: string;
  tool: string;
  args: Record<string, unknown>;
  extraRoles?: readonly { roleId: string }[];
  /** How the caller will wait for the decision, when its client declared support (MCP tasks, URL elicitation). */
  delivery?: "task" | "elicitation";
  /** The protected resource called, and the tool's name in the body there: for running an approved task. */
  resource?: string;
  callName?: string;
}

export type HoldOutcome =
  | { kind: "run"; approvalId: string }
  | { kind: "held"; requestId: string; expiresAt: Date; approverRoles: string[]; created: boolean; voided: string[] };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * A call the policy allows, to a tool that needs a second person (DESIGN §11). If an approval bound to exactly this
 * call — the same user, client, tool and SHA-256 of the canonical arguments, under the same policy (digest of the reason
 * path that allows it) and the same roles of the caller, not expired — stands, it is consumed (single use, atomically)
 * and the call runs. An approval the policy or the caller's roles have since changed under is void. Otherwise the call
 * is held: a pending request (the one already waiting for this call, or a new one) whose id the caller is told.
 * Every request, use, expiry and voiding is an audit event in the same transaction, linked by the request id.
 */
export async function holdCall(snapshot: PolicySnapshot, call: CallToHold, decision: Decision, ctx: { ip: string | null; requestId: string | null }): Promise<HoldOutcome> {
  const approval = snapshot.approvals!.get(call.tool)!;
  const argsSha256 = recordedArguments(call.args).argsSha256 as string;
  const policyDigest = sha256(decision.reason);
  const rolesDigest = sha256(effectiveRoleNames(snapshot, call.userId, call.extraRoles ?? []).join("\n"));
  const now = new Date();
  const audit = (kind: "approval.requested" | "approval.used" | "approval.expired" | "approval.voided", requestId: string, reason: string, detail: Record<string, unknown> = {}) => ({
    kind,
    actor: `user:${call.userId}`,
    subject: call.userId,
    clientId: call.clientId,
    tool: call.tool,
    decision: kind === "approval.used" ? ("allow" as const) : kind === "approval.requested" ? null : ("deny" as const),
    reason,
    requestId: ctx.requestId,
    ip: ctx.ip,
    detail: { approvalRequest: requestId, argsSha256, ...detail },
  });

  let notification: string | undefined;
  const outcome = await db().$transaction(async (tx) => {
    const standing = await tx.approvalRequest.findMany({
      where: { userId: call.userId, clientId: call.clientId, toolName: call.tool, argsSha256, status: { in: ["pending", "approved"] } },
      orderBy: { requestedAt: "asc" },
    });
    const voided: string[] = [];
    let waiting: (typeof standing)[number] | undefined;
    for (const request of standing) {
      if (request.expiresAt <= now) {
        await tx.approvalRequest.update({ where: { id: request.id }, data: { status: "expired" } });
        await appendAudit(tx, [audit("approval.expired", request.id, `approval request ${request.id} for ${call.tool} expired at ${request.expiresAt.toISOString()}`)]);
        continue;
      }
      if (request.policyDigest !== policyDigest || request.rolesDigest !== rolesDigest) {
        const what = request.policyDigest !== policyDigest ? "the policy that allowed the call changed" : "the caller's roles changed";
        await tx.approvalRequest.update({ where: { id: request.id }, data: { status: "void", decisionNote: what } });
        await appendAudit(tx, [audit("approval.voided", request.id, `approval request ${request.id} for ${call.tool} is void: ${what}`)]);
        voided.push(request.id);
        continue;
      }
      if (request.status === "approved") {
        // Single use: only the one transaction that moves it from approved to used may run the call.
        const consumed = await tx.approvalRequest.updateMany({ where: { id: request.id, status: "approved" }, data: { status: "used", usedAt: now } });
        if (consumed.count === 1) {
          await appendAudit(tx, [audit("approval.used", request.id, `${decision.reason} → approved by ${request.decidedBy} (request ${request.id}), used once`, { approvedBy: request.decidedBy })]);
          return { kind: "run" as const, approvalId: request.id };
        }
        continue;
      }
      waiting ??= request;
    }
    if (waiting && call.delivery && waiting.delivery !== call.delivery) {
      await tx.approvalRequest.update({ where: { id: waiting.id }, data: { delivery: call.delivery, resource: call.resource ?? null, callName: call.callName ?? null } });
    }
    if (waiting) return { kind: "held" as const, requestId: waiting.id, expiresAt: waiting.expiresAt, approverRoles: approval.approverRoles, created: false, voided };
    const expiresAt = new Date(now.getTime() + approval.expiresInSeconds * 1000);
    const created = await tx.approvalRequest.create({
      data: {
        toolName: call.tool,
        userId: call.userId,
        clientId: call.clientId,
        argsSha256,
        args: call.args as object,
        policyDigest,
        rolesDigest,
        reasonPath: decision.reason,
        expiresAt,
        maskedFields: approval.maskedFields ?? [],
        delivery: call.delivery ?? null,
        resource: call.resource ?? null,
        callName: call.callName ?? null,
      },
    });
    // Queued with the request, so a notification is never lost to a crash between the two.
    if (await tx.setting.findUnique({ where: { key: APPROVAL_WEBHOOK_KEY }, select: { key: true } })) {
      notification = (await tx.approvalNotification.create({ data: { requestId: created.id }, select: { id: true } })).id;
    }
    await appendAudit(tx, [
      audit("approval.requested", created.id, `${decision.reason} → approval required (request ${created.id}; approvers: ${approval.approverRoles.join(", ")})`, {
        approverRoles: approval.approverRoles,
        expiresAt: expiresAt.toISOString(),
      }),
    ]);
    return { kind: "held" as const, requestId: created.id, expiresAt, approverRoles: approval.approverRoles, created: true, voided };
  });
  // Sent after the commit and not awaited: the caller's answer never waits on (or fails with) the webhook.
  if (notification) void notifyApprovalRequest(notification).catch(() => {});
  return outcome;
}
