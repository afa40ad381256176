import { suspendClient } from "@/lib/clients/suspend-client";
import { clientDecisionInput, describeStatusChange } from "@/lib/mcp/client-decision";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "suspend_client",
  title: "Suspend an MCP client",
  description:
    "Suspends an active MCP client: every token it holds is refused from the next call on, and it gets no new ones " +
    "until it is approved again. Grants are kept, so reactivation restores access. Recorded in the audit log.",
  requiredScope: "clients:write",
  input: clientDecisionInput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run({ client_id, reason }, { audit }) {
    const change = await suspendClient(client_id, reason, audit);
    return describeStatusChange(change);
  },
});
