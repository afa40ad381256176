import { createHash } from "node:crypto";
import type { Client } from "@modelcontextprotocol/client";
import { canonicalJson } from "@/lib/audit";
import { env } from "@/lib/env";
import { asUpstreamFailure } from "@/lib/gateway/upstream-client";

/** A tool as an upstream declares it: what pinning hashes and what `tools/list` at /mcp/<name> shows. */
export interface UpstreamToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface UpstreamToolListing {
  tools: Array<{ definition: UpstreamToolDefinition; hash: string }>;
  /** What was left out, and why: invalid or colliding names, and anything past the bound. */
  skipped: string[];
  truncated: boolean;
}

// MCP tools §tool names: 1-128 characters of A-Z, a-z, 0-9, `_`, `-` and `.`.
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_PAGES = 100;

/** SHA-256 of the canonical JSON of everything a model reads about the tool: the pin a rug pull would break. */
export function definitionHash(definition: UpstreamToolDefinition): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

/**
 * Lists an upstream's tools, following pagination (at most 100 pages), keeping at most PORTCULLIS_GATEWAY_MAX_TOOLS;
 * a tool whose name breaks the specification's rules, or repeats one already listed, is skipped and reported.
 */
export async function listUpstreamTools(client: Client, serverName: string): Promise<UpstreamToolListing> {
  const { maxTools, timeoutMs } = env().gateway;
  const result: UpstreamToolListing = { tools: [], skipped: [], truncated: false };
  const seen = new Set<string>();
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const listed = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      for (const tool of listed.tools) {
        const name = typeof tool.name === "string" ? tool.name : "";
        const shown = name.slice(0, 64).replace(/[^\x20-\x7E]/g, "?");
        if (!TOOL_NAME.test(name)) {
          result.skipped.push(`"${shown}": not a valid tool name`);
          continue;
        }
        if (seen.has(name)) {
          result.skipped.push(`${name}: listed more than once`);
          continue;
        }
        if (result.tools.length >= maxTools) {
          result.truncated = true;
          continue;
        }
        seen.add(name);
        const definition = pick(tool as unknown as Record<string, unknown>);
        result.tools.push({ definition, hash: definitionHash(definition) });
      }
      cursor = listed.nextCursor;
      if (!cursor) break;
    }
  } catch (error) {
    throw asUpstreamFailure(error, serverName);
  }
  if (result.truncated) result.skipped.push(`more than ${maxTools} tools: the rest were not mirrored (PORTCULLIS_GATEWAY_MAX_TOOLS)`);
  return result;
}

function pick(tool: Record<string, unknown>): UpstreamToolDefinition {
  const definition: UpstreamToolDefinition = { name: tool.name as string, inputSchema: (tool.inputSchema as Record<string, unknown>) ?? { type: "object" } };
  if (typeof tool.title === "string") definition.title = tool.title;
  if (typeof tool.description === "string") definition.description = tool.description;
  if (tool.outputSchema && typeof tool.outputSchema === "object") definition.outputSchema = tool.outputSchema as Record<string, unknown>;
  if (tool.annotations && typeof tool.annotations === "object") definition.annotations = tool.annotations as Record<string, unknown>;
  return definition;
}
