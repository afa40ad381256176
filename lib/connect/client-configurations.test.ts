import { describe, expect, it } from "vitest";
import { clientConfigurations } from "@/lib/connect/client-configurations";

describe("MCP client configurations", () => {
  const url = "https://portcullis.example.com/mcp";
  const configs = Object.fromEntries(clientConfigurations(url).map((c) => [c.id, c.code]));

  it("gives each client its own syntax for a Streamable HTTP server", () => {
    expect(configs["claude-code"]).toBe(`claude mcp add --transport http portcullis ${url}`);
    expect(JSON.parse(configs.cursor)).toEqual({ mcpServers: { portcullis: { url } } });
    expect(JSON.parse(configs.vscode)).toEqual({ servers: { portcullis: { type: "http", url } } });
    expect(JSON.parse(configs["claude-desktop"])).toEqual({ mcpServers: { portcullis: { command: "npx", args: ["-y", "mcp-remote", url] } } });
  });

  it("never puts a credential in a configuration", () => {
    for (const code of Object.values(configs)) expect(code).not.toMatch(/token|secret|bearer|authorization/i);
  });
});
