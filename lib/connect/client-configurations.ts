export interface ClientConfiguration {
  id: string;
  client: string;
  /** Where the text goes. */
  where: string;
  code: string;
  note?: string;
}

/**
 * Copy-paste setups for common MCP clients pointed at this server's MCP endpoint. Every one of them discovers the
 * authorization server from the endpoint's Protected Resource Metadata and runs OAuth itself (DCR or a metadata
 * document, then PKCE in the browser) — so no token is pasted anywhere.
 */
export function clientConfigurations(mcpUrl: string, name = "portcullis"): ClientConfiguration[] {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return [
    {
      id: "claude-code",
      client: "Claude Code",
      where: "In a terminal:",
      code: `claude mcp add --transport http ${name} ${mcpUrl}`,
      note: "Then run /mcp in Claude Code and choose Authenticate: a browser window opens for sign-in and consent.",
    },
    {
      id: "claude-desktop",
      client: "Claude Desktop",
      where: "claude_desktop_config.json (Settings → Developer → Edit Config), through the mcp-remote bridge:",
      code: json({ mcpServers: { [name]: { command: "npx", args: ["-y", "mcp-remote", mcpUrl] } } }),
      note: "Or, where your plan offers it, Settings → Connectors → Add custom connector with the URL above.",
    },
    {
      id: "cursor",
      client: "Cursor",
      where: ".cursor/mcp.json in your project (or ~/.cursor/mcp.json for every project):",
      code: json({ mcpServers: { [name]: { url: mcpUrl } } }),
      note: "Cursor asks you to sign in the first time a tool is used.",
    },
    {
      id: "vscode",
      client: "VS Code",
      where: ".vscode/mcp.json in your workspace (or MCP: Open User Configuration):",
      code: json({ servers: { [name]: { type: "http", url: mcpUrl } } }),
      note: "Start the server from the file's CodeLens or the MCP: List Servers command; VS Code runs the sign-in.",
    },
    {
      id: "inspector",
      client: "MCP Inspector",
      where: "To try the tools by hand (needs a recent Node.js):",
      code: "npx @modelcontextprotocol/inspector",
      note: `In its page, choose the Streamable HTTP transport, enter ${mcpUrl} and connect; it runs the OAuth flow in the browser.`,
    },
  ];
}
