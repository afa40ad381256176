import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import type { ProtocolEra } from "@/lib/mcp/check-protocol-revision";

/** The tasks extension's identifier (io.modelcontextprotocol/tasks, for 2026-07-28). */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";
const CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
/** The key of the one input request a held call asks its client to fulfil (URL-mode elicitation). */
export const APPROVAL_INPUT_KEY = "portcullis_approval";

export interface ApprovalDelivery {
  /** How the caller can wait for an approval without retrying: a task, a URL elicitation, or neither. */
  delivery?: "task" | "elicitation";
  /** The approval request a retried call (after URL elicitation) follows up, from its echoed requestState. */
  followUp?: string;
}

/**
 * What a 2026-07-28 `tools/call` declares it can do while a call waits for a second person: the tasks extension or
 * URL-mode elicitation, in its per-request client capabilities (a server must not use either otherwise). Tasks win:
 * the call then completes without the user having to do anything in the client. 2025-era requests get neither — they
 * keep the held tool result and a retry.
 */
export function approvalDelivery(message: JSONRPCMessage, era: ProtocolEra): ApprovalDelivery {
  if (era !== "modern") return {};
  const params = (message as { params?: Record<string, unknown> }).params ?? {};
  const meta = (params._meta ?? {}) as Record<string, unknown>;
  const capabilities = (meta[CLIENT_CAPABILITIES] ?? {}) as { extensions?: Record<string, unknown>; elicitation?: { url?: unknown } };
  const delivery = capabilities.extensions && TASKS_EXTENSION in capabilities.extensions ? "task" : capabilities.elicitation?.url ? "elicitation" : undefined;
  const responses = params.inputResponses as Record<string, { action?: unknown }> | undefined;
  const state = params.requestState;
  const followUp = responses?.[APPROVAL_INPUT_KEY] && typeof state === "string" && /^[0-9a-f-]{36}$/i.test(state) ? state : undefined;
  return { delivery, followUp };
}
