import { z } from "zod";
import { defineCommand } from "@/lib/cli/command";
import { loadUpstreamServer } from "@/lib/gateway/load-upstream-servers";

export default defineCommand({
  name: "servers show",
  summary: "Show an upstream MCP server: endpoint, authentication (never its secrets), health and tools",
  positionals: "<name>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give exactly one server name") }),
  async run(options, io) {
    const s = await loadUpstreamServer(options._[0]);
    if (io.json) {
      io.out(JSON.stringify({ ...s, tools: s.tools.map((t) => ({ name: t.upstreamName, state: t.state, requiredScope: t.requiredScope })) }));
      return 0;
    }
    io.out(`Name:          ${s.name}`);
    io.out(`Upstream URL:  ${s.url}`);
    io.out(`Endpoint:      ${s.resource}`);
    io.out(`Default scope: ${s.scope}`);
    if (s.description) io.out(`Description:   ${s.description}`);
    const auth = s.authKind === "header" ? `static header ${s.headerName} (value sealed)` : s.authKind === "client_credentials" ? `client credentials at ${s.tokenUrl} as ${s.oauthClientId}${s.oauthScope ? `, scope ${s.oauthScope}` : ""}${s.oauthResource ? `, resource ${s.oauthResource}` : ""} (secret sealed)` : "none";
    io.out(`Auth:          ${auth}`);
    io.out(`Tools:         ${s.toolCount - s.heldCount} accepted, ${s.heldCount} held`);
    io.out(`Last contact:  ${s.lastContactAt?.toISOString() ?? "never"}`);
    io.out(`p50 latency:   ${s.p50LatencyMs === null ? "no calls yet" : `${Math.round(s.p50LatencyMs)} ms`}`);
    if (s.lastError) io.out(`Last error:    ${s.lastError}`);
    return 0;
  },
});
