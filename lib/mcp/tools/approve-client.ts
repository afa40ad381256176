import { z } from "zod";
import { changeClientStatus } from "@/lib/clients/change-client-status";
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
      reason: z.string().trim().max(500).optional().describe("Why, for the audit log"),
    })
    .strict(),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run({ client_id, reason }, { audit }) {
    const change = await changeClientStatus(client_id, "active", audit, reason);
    return { client_id: change.clientId, name: change.name, previous_status: change.from, status: change.to, changed_at: change.changedAt.toISOString() };
  },
});
