import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { effectiveRoleNames } from "@/lib/policy/condition-routes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

const note = z.string().trim().max(500, "the note is longer than 500 characters");

/**
 * An approver approves or denies a held call (DESIGN §11). Refused: a request that is not pending (already decided,
 * used, void) or has expired; an approver who is the caller (nobody approves their own call); an approver holding none
 * of the tool's approver roles (the CLI, the machine's operator, may). Approving does not run anything: the caller's
 * identical call does, once. The decision and its audit event are one transaction.
 */
export async function decideApproval(requestId: string, verdict: "approve" | "deny", ctx: AuditContext, noteText = ""): Promise<{ status: string }> {
  const parsedNote = note.safeParse(noteText);
  if (!parsedNote.success) throw new AppError("invalid_input", parsedNote.error.issues[0].message);
  if (!/^[0-9a-f-]{36}$/i.test(requestId)) throw new AppError("not_found", `No approval request ${requestId.slice(0, 64)}`);
  const snapshot = await policySnapshot();
  const approverId = ctx.actor?.startsWith("user:") ? ctx.actor.slice(5) : null;
  return db().$transaction(async (tx) => {
    const request = await tx.approvalRequest.findUnique({ where: { id: requestId } });
    if (!request) throw new AppError("not_found", `No approval request ${requestId}`);
    if (request.status !== "pending") throw new AppError("conflict", `Approval request ${requestId} is ${request.status}, not pending`);
    if (request.expiresAt <= new Date()) {
      await tx.approvalRequest.update({ where: { id: requestId }, data: { status: "expired" } });
      await appendAudit(tx, [{ kind: "approval.expired", actor: ctx.actor, subject: request.userId, clientId: request.clientId, tool: request.toolName, decision: "deny", reason: `approval request ${requestId} expired before it was decided`, requestId: ctx.requestId, ip: ctx.ip, detail: { approvalRequest: requestId } }]);
      return { status: "expired" };
    }
    if (ctx.actor !== "cli") {
      if (approverId === request.userId) throw new AppError("forbidden", "You cannot approve or deny your own call: another approver must.");
      const approval = snapshot.approvals?.get(request.toolName);
      const roles = approverId ? effectiveRoleNames(snapshot, approverId, []) : [];
      const may = approval ? approval.approverRoles.some((r) => roles.includes(r)) : roles.includes("iam_admin");
      if (!may) throw new AppError("forbidden", `Only someone holding ${approval?.approverRoles.join(" or ") ?? "iam_admin"} may decide on calls to ${request.toolName}.`);
    }
    const status = verdict === "approve" ? "approved" : "denied";
    const decided = await tx.approvalRequest.updateMany({ where: { id: requestId, status: "pending" }, data: { status, decidedBy: ctx.actor, decidedAt: new Date(), decisionNote: parsedNote.data || null } });
    if (decided.count !== 1) throw new AppError("conflict", `Approval request ${requestId} was decided meanwhile`);
    const caller = snapshot.users.get(request.userId)?.email ?? request.userId;
    await appendAudit(tx, [
      {
        kind: verdict === "approve" ? "approval.approved" : "approval.denied",
        actor: ctx.actor,
        subject: request.userId,
        clientId: request.clientId,
        tool: request.toolName,
        decision: verdict === "approve" ? "allow" : "deny",
        reason: `${verdict === "approve" ? "approved" : "denied"}: ${caller}'s call to ${request.toolName} (request ${requestId})${parsedNote.data ? `: ${parsedNote.data}` : ""}`,
        requestId: ctx.requestId,
        ip: ctx.ip,
        detail: { approvalRequest: requestId, argsSha256: request.argsSha256 },
      },
    ]);
    return { status };
  });
}
