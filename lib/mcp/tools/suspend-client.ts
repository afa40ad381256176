import { z } from "zod";
import { suspendClient } from "@/lib/clients/suspend-client";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "suspend_client",
  title: "Suspend an MCP client",
  description:
    "Suspends an active MCP client: every token it holds is refused from the next call on, and it gets no new ones " +
    "until it is approved again. Grants are kept, so reactivation restores access. Recorded in the audit log.",
  requiredScope: "clients:write",
  input: z
    .object({
      client_id: z.string().min(1).max(2048).describe("The client's client_id"),
      reason: z.string().trim().min(1).max(500).describe("Why, for the audit log and the client's record"),
    })
    .strict(),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run({ client_id, reason }, { audit }) {
    const change = await suspendClient(client_id, reason, audit);
    return { client_id: change.clientId, name: change.name, previous_status: change.from, status: change.status, changed_at: change.changedAt.toISOString() };
  },
});
