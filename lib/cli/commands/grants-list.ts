import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { grantFilterSchema, listGrants } from "@/lib/grants/list-grants";

const time = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");

export default defineCommand({
  name: "grants list",
  summary: "List grants (one user's authorization of one client) with their live tokens, newest first",
  options: {
    client: { type: "string", value: "<client-id>", description: "Only this client's grants" },
    user: { type: "string", value: "<email|id>", description: "Only this user's grants" },
    status: { type: "string", value: "<status>", description: "active, expired or revoked" },
    limit: { type: "string", value: "<n>", description: "At most this many (25, 50 or 100; default 100)" },
  },
  schema: z.object({
    client: z.string().optional(),
    user: z.string().optional(),
    status: z.enum(["active", "expired", "revoked"], { error: "--status must be active, expired or revoked" }).optional(),
    limit: z.enum(["25", "50", "100"], { error: "--limit must be 25, 50 or 100" }).default("100"),
  }),
  async run(options, io) {
    const page = await listGrants(grantFilterSchema.parse({ client: options.client, user: options.user, status: options.status, size: options.limit }));
    if (io.json) {
      io.out(JSON.stringify(page.rows));
      return 0;
    }
    if (page.rows.length === 0) {
      io.out("No grants.");
      return 0;
    }
    const rows = page.rows.map((g) => [g.id, g.userEmail, g.clientName, g.status, String(g.liveAccessTokens), time(g.expiresAt), time(g.lastUsedAt), g.scopes.join(" ")]);
    table(rows, ["GRANT ID", "USER", "CLIENT", "STATUS", "LIVE", "USABLE UNTIL", "LAST USED", "SCOPES"]).forEach((l) => io.out(l));
    if (page.total > page.rows.length) io.out(`${page.rows.length} of ${page.total}; narrow with --client, --user or --status.`);
    return 0;
  },
});
