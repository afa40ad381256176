import { approveClient } from "@/lib/clients/approve-client";
import { reactivateClient } from "@/lib/clients/reactivate-client";
import { AppError } from "@/lib/errors";
import { clientDecisionInput, describeStatusChange } from "@/lib/mcp/client-decision";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "approve_client",
  title: "Approve an MCP client",
  description:
    "Approves a pending MCP client so it can obtain tokens, or reactivates a suspended one. A rejected client stays " +
    "rejected. Recorded in the audit log with your reason.",
  requiredScope: "clients:write",
  input: clientDecisionInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run({ client_id, reason }, { audit, snapshot }) {
    const status = snapshot.clients.get(client_id)?.status;
    if (status === "active") throw new AppError("conflict", `Client ${client_id} is already active.`);
    const change = status === "suspended" ? await reactivateClient(client_id, reason, audit) : await approveClient(client_id, reason, audit);
    return describeStatusChange(change);
  },
});
