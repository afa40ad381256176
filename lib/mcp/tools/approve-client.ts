import { z } from "zod";
import { approveClient } from "@/lib/clients/approve-client";
import { reactivateClient } from "@/lib/clients/reactivate-client";
import { AppError } from "@/lib/errors";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "approve_client",
  title: "Approve an MCP client",
  description:
    "Approves a pending MCP client so it can obtain tokens, or reactivates a suspended one. A rejected client stays " +
    "rejected. Recorded in the audit log with your reason.",
  requiredScope: "clients:write",
  input: z
    .object({
      client_id: z.string().min(1).max(2048).describe("The client's client_id"),
      reason: z.string().trim().min(1).max(500).describe("Why, for the audit log and the client's record"),
    })
    .strict(),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run({ client_id, reason }, { audit, snapshot }) {
    const status = snapshot.clients.get(client_id)?.status;
    if (status === "active") throw new AppError("conflict", `Client ${client_id} is already active.`);
    const change = status === "suspended" ? await reactivateClient(client_id, reason, audit) : await approveClient(client_id, reason, audit);
    return { client_id: change.clientId, name: change.name, previous_status: change.from, status: change.status, changed_at: change.changedAt.toISOString() };
  },
});
