import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { parseHeaderLine, type UpstreamAuthInput } from "@/lib/gateway/upstream-server-input";

export default defineCommand({
  name: "servers add",
  summary: "Put an upstream MCP server (Streamable HTTP) behind Portcullis at /mcp/<name>",
  positionals: "<name>",
  options: {
    url: { type: "string", value: "<url>", description: "The upstream's Streamable HTTP URL (required)" },
    description: { type: "string", value: "<text>", description: "What the server is for" },
    header: { type: "string", value: '"Name: value"', description: "A static header Portcullis sends (sealed at rest, never shown again)" },
    "header-stdin": { type: "boolean", description: 'Read the "Name: value" header from standard input instead' },
    "client-credentials": { type: "boolean", description: "Authenticate with OAuth client credentials to the upstream's authorization server" },
    "token-url": { type: "string", value: "<url>", description: "The upstream authorization server's token endpoint" },
    "client-id": { type: "string", value: "<id>", description: "Portcullis's client id there" },
    "client-secret-stdin": { type: "boolean", description: "Read the client secret from standard input" },
    scope: { type: "string", value: "<scopes>", description: "Scopes to request from the upstream's authorization server" },
    resource: { type: "string", value: "<url>", description: "RFC 8707 resource to request the upstream token for" },
    "accept-all": { type: "boolean", description: "Accept every tool the server lists now (otherwise all are held for review)" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give exactly one server name"),
    url: z.string({ error: "--url is required" }),
    description: z.string().optional(),
    header: z.string().optional(),
    "header-stdin": z.boolean().default(false),
    "client-credentials": z.boolean().default(false),
    "token-url": z.string().optional(),
    "client-id": z.string().optional(),
    "client-secret-stdin": z.boolean().default(false),
    scope: z.string().optional(),
    resource: z.string().optional(),
    "accept-all": z.boolean().default(false),
  }),
  async run(options, io) {
    const usesHeader = options.header !== undefined || options["header-stdin"];
    if (usesHeader && options["client-credentials"]) throw new AppError("invalid_input", "choose either --header or --client-credentials, not both");
    let auth: UpstreamAuthInput = { kind: "none" };
    if (usesHeader) {
      const line = options.header ?? (await io.readStdin()).replace(/\r?\n$/, "");
      let header;
      try {
        header = parseHeaderLine(line);
      } catch {
        throw new AppError("invalid_input", 'header: give it as "Name: value"');
      }
      auth = { kind: "header", header };
    } else if (options["client-credentials"]) {
      if (!options["client-secret-stdin"]) throw new AppError("invalid_input", "--client-credentials needs --client-secret-stdin (secrets never go on the command line)");
      const clientSecret = (await io.readStdin()).replace(/\r?\n$/, "");
      auth = {
        kind: "client_credentials",
        clientCredentials: { tokenUrl: options["token-url"] ?? "", clientId: options["client-id"] ?? "", clientSecret, scope: options.scope, resource: options.resource },
      };
    }
    const added = await addUpstreamServer(
      { name: options._[0], url: options.url, description: options.description, auth, acceptAll: options["accept-all"] },
      CLI_CONTEXT,
    );
    if (io.json) {
      io.out(JSON.stringify(added));
      return 0;
    }
    io.out(`Added ${added.name}: clients connect to ${added.resource}; its tools require ${added.scope} unless you change them.`);
    if (added.accepted.length) io.out(`Accepted ${added.accepted.length} tools: ${added.accepted.join(", ")}`);
    if (added.held.length) io.out(`Held ${added.held.length} tools for review (servers accept ${added.name} --all): ${added.held.join(", ")}`);
    for (const skipped of added.skipped) io.err(`Skipped ${skipped}`);
    return 0;
  },
});
