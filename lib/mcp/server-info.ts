import packageJson from "@/package.json" with { type: "json" };

/** How /mcp introduces itself: in the 2025-era `initialize` result, and in every 2026-07-28 result's `_meta` (serverInfo). */
export const SERVER_INFO = { name: "portcullis", title: "Portcullis", version: packageJson.version } as const;

export const SERVER_INSTRUCTIONS =
  "Portcullis governance tools: MCP clients, roles, effective access, grants and the audit log. tools/list shows the " +
  "tools your token, your roles and this client's allow-list permit right now; a tool that needs a scope your token " +
  "lacks answers HTTP 403 insufficient_scope naming it, so you can re-authorize with that scope.";
