import { ProtocolError, ProtocolErrorCode, Server, type CallToolResult } from "@modelcontextprotocol/server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import type { AuditContext } from "@/lib/audit";
import { describeIssues, isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { HeldCall } from "@/lib/mcp/authorize-tool-call";
import { heldAnswer } from "@/lib/mcp/held-answer";
import type { McpCaller } from "@/lib/mcp/caller";
import { SERVER_INFO, SERVER_INSTRUCTIONS } from "@/lib/mcp/server-info";
import { findTool, toolDescriptor, type ToolContext } from "@/lib/mcp/tools";
import { allowedTools, type Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";
import { processState } from "@/lib/process-state";

export interface McpRequestScope {
  caller: McpCaller;
  snapshot: PolicySnapshot;
  audit: AuditContext;
  /** The recorded decision that allows this request's one tool call, if it is one. */
  allowed?: Decision;
  /** The approval request the allowed call runs under, for an approval-required tool (lib/approvals). */
  approval?: string;
  /** The server for this request, when it is not the built-in one (an upstream's, lib/gateway). */
  build?: (scope: McpRequestScope) => Server;
  /** An upstream's answer to this request's allowed tool call, already fetched (lib/gateway). */
  forwarded?: CallToolResult;
  /**
   * An upstream's call in progress that streams or asks back (lib/gateway): the SDK server relays it over the caller's
   * SSE response as it happens.
   */
  live?: LiveToolCall;
  /** An upstream's answer to this request's allowed resources/* or prompts/* request, already fetched (lib/gateway). */
  relayed?: { method: string; result: Record<string, unknown> };
  /** The call is allowed but held for a second person's approval: it does not run; the caller is told what next. */
  held?: HeldCall;
}

/** A forwarded call the SDK server relays as it happens: its notifications, then its result (or `input_required`). */
export interface LiveToolCall {
  relay(notify: (notification: { method: string; params?: Record<string, unknown> }) => Promise<void>): Promise<Record<string, unknown>>;
}

// The SDK builds an Ajv instance per Server unless given one; compiling it for every request would dominate the cost.
const shared = processState("mcp-json-schema-validator", () => ({ validator: new AjvJsonSchemaValidator() }));

function textResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/**
 * The MCP server for one request, of either protocol era (both are served per request, so each request gets its own,
 * bound to its caller). `tools/list` shows what the current policy lets this caller call, in a stable order (MCP
 * 2026-07-28: deterministic, for client caches); `tools/call` runs only the tool whose allow decision has already been
 * recorded for this request. The SDK adds what the era's wire needs (`resultType`, `ttlMs`/`cacheScope`, serverInfo in
 * result `_meta`, `server/discover`).
 */
export function buildMcpServer(scope: McpRequestScope): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: SERVER_INSTRUCTIONS,
    jsonSchemaValidator: shared.validator,
  });
  server.setRequestHandler("tools/list", () => ({
    tools: allowedTools(scope.snapshot, {
      userId: scope.caller.userId,
      clientId: scope.caller.clientId,
      tokenScopes: scope.caller.scopes,
      extraRoles: scope.caller.extraRoles,
    })
      .map((name) => toolDescriptor(name))
      .filter((d) => d !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
  server.setRequestHandler("tools/call", async (request): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    if (scope.held && scope.held.tool === name) return heldAnswer(scope.held);
    const decision = scope.allowed;
    // Defence in depth: the route decides and records before the SDK sees the message; nothing else may run.
    if (!decision?.allow || decision.tool !== name) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `The call to ${name} was not authorized`);
    const tool = findTool(name);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
    // MCP 2025-11-25: argument errors are tool execution errors, so the model can read them and correct itself.
    const input = tool.input.safeParse(args ?? {});
    if (!input.success) return toolError(`Invalid arguments for ${name}: ${describeIssues(input.error.issues)}`);
    const ctx: ToolContext = { caller: scope.caller, snapshot: scope.snapshot, decision, audit: scope.audit };
    try {
      return textResult(await tool.run(input.data, ctx));
    } catch (error) {
      if (isAppError(error)) return toolError(error.message);
      logger.error("mcp tool failed", { tool: name, requestId: scope.audit.requestId, error });
      return toolError(`${name} failed on our side; the error has been logged.`);
    }
  });
  return server;
}
