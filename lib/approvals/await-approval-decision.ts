import { db } from "@/lib/db/client";

export interface Binding {
  userId: string;
  clientId: string;
  tool: string;
  argsSha256: string;
}

/**
 * Waits (bounded) for a pending approval request of exactly this call to be decided: the retry of a held call after its
 * client showed the approval page (URL elicitation) gives the approver that long before being asked again. Only a
 * request bound to the same caller, client, tool and arguments is looked at — a requestState naming someone else's
 * request tells nothing. Answers the request's status then (null when no such request).
 */
export async function awaitApprovalDecision(requestId: string, binding: Binding, waitMs: number, pollMs = 200): Promise<string | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const row = await db().approvalRequest.findUnique({ where: { id: requestId }, select: { userId: true, clientId: true, toolName: true, argsSha256: true, status: true, expiresAt: true } });
    if (!row || row.userId !== binding.userId || row.clientId !== binding.clientId || row.toolName !== binding.tool || row.argsSha256 !== binding.argsSha256) return null;
    const status = row.status === "pending" && row.expiresAt <= new Date() ? "expired" : row.status;
    if (status !== "pending" || Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}
