import { z } from "zod";
import { db } from "@/lib/db/client";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "list_clients",
  title: "List MCP clients",
  description:
    "Lists registered MCP clients, newest first: status (pending, active, suspended, rejected), how each registered, " +
    "the scopes it requested and may receive, and when it was last used. Filter by status to see the review queue.",
  requiredScope: "clients:read",
  input: z
    .object({
      status: z.enum(["pending", "active", "suspended", "rejected"]).optional().describe("Only clients in this status"),
      search: z.string().trim().min(1).max(200).optional().describe("Part of the client's name or client_id"),
      limit: z.number().int().min(1).max(200).default(50).describe("How many clients (at most 200)"),
    })
    .strict(),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run({ status, search, limit }) {
    const rows = await db().client.findMany({
      where: {
        status,
        ...(search
          ? { OR: [{ name: { contains: search, mode: "insensitive" } }, { id: { contains: search, mode: "insensitive" } }] }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: limit,
    });
    return {
      clients: rows.map((c) => ({
        client_id: c.id,
        name: c.name,
        status: c.status,
        source: c.source,
        requested_scopes: c.requestedScopes,
        allowed_scopes: c.allowedScopes,
        redirect_uris: c.redirectUris,
        registered_at: c.createdAt.toISOString(),
        last_used_at: c.lastUsedAt?.toISOString() ?? null,
      })),
    };
  },
});
