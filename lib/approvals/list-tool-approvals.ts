import { db } from "@/lib/db/client";

export interface ToolApprovalView {
  tool: string;
  approverRoles: string[];
  expiresInSeconds: number;
  maskedFields: string[];
  updatedBy: string | null;
}

/** The approval-required tools and their settings (Approvals page), with every tool name for the form's choices. */
export async function listToolApprovals(): Promise<{ approvals: ToolApprovalView[]; tools: string[]; roles: string[] }> {
  const [rows, tools, roles] = await Promise.all([
    db().toolApproval.findMany({ orderBy: { toolName: "asc" } }),
    db().tool.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    db().role.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    approvals: rows.map((r) => ({ tool: r.toolName, approverRoles: r.approverRoles, expiresInSeconds: r.expiresInSeconds, maskedFields: r.maskedFields, updatedBy: r.updatedBy })),
    tools: tools.map((t) => t.name),
    roles: roles.map((r) => r.name),
  };
}
