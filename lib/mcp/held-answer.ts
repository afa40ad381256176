import { inputRequired, type CallToolResult } from "@modelcontextprotocol/server";
import { APPROVAL_INPUT_KEY } from "@/lib/mcp/approval-delivery";
import { heldCallResult, type HeldCall } from "@/lib/mcp/authorize-tool-call";

/**
 * A held call: to a client that declared URL-mode elicitation (2026-07-28, multi round-trip), an input request pointing
 * the user at the approval page, with the request id as the state its retry echoes — that retry waits for the decision
 * and runs once approved. Anyone else (and a request that ended) gets the held tool result and retries by hand.
 */
export function heldAnswer(held: HeldCall): CallToolResult {
  if (held.delivery !== "elicitation" || held.ended) return heldCallResult(held);
  return inputRequired({
    inputRequests: {
      [APPROVAL_INPUT_KEY]: inputRequired.elicitUrl({
        message: `${held.message} Open the approval page to follow it; when you come back the call continues by itself.`,
        url: held.approvalUrl,
      }),
    },
    requestState: held.requestId,
  }) as unknown as CallToolResult;
}
