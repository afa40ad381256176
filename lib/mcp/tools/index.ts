import { z } from "zod";
import approveClient from "@/lib/mcp/tools/approve-client";
import type { McpTool } from "@/lib/mcp/tools/define-tool";
import effectiveAccess from "@/lib/mcp/tools/effective-access";
import getClient from "@/lib/mcp/tools/get-client";
import listClients from "@/lib/mcp/tools/list-clients";
import listRoles from "@/lib/mcp/tools/list-roles";
import queryAudit from "@/lib/mcp/tools/query-audit";
import revokeGrant from "@/lib/mcp/tools/revoke-grant";
import suspendClient from "@/lib/mcp/tools/suspend-client";
import whoami from "@/lib/mcp/tools/whoami";

export { defineTool, type McpTool, type ToolContext } from "@/lib/mcp/tools/define-tool";

/**
 * Every tool /mcp offers. Adding a tool is adding its file and a line here: start-up mirrors it into the policy
 * (`Tool` table, with its default scope), the console shows it, and the endpoint enforces it.
 */
export const TOOLS: readonly McpTool<any>[] = [
  whoami,
  listClients,
  getClient,
  approveClient,
  suspendClient,
  listRoles,
  effectiveAccess,
  queryAudit,
  revokeGrant,
];

const byName = new Map(TOOLS.map((t) => [t.name, t]));

export function findTool(name: string): McpTool<any> | undefined {
  return byName.get(name);
}

/** The tool as `tools/list` describes it: JSON Schema 2020-12 for its arguments, computed once. */
export interface ToolDescriptor {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  annotations?: McpTool["annotations"];
}

const descriptors = new Map<string, ToolDescriptor>(
  TOOLS.map((t) => {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(t.input, { io: "input" }) as Record<string, unknown>;
    return [t.name, { name: t.name, title: t.title, description: t.description, inputSchema: { ...schema, type: "object" }, annotations: t.annotations }];
  }),
);

export function toolDescriptor(name: string): ToolDescriptor | undefined {
  return descriptors.get(name);
}
