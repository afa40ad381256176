import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { listClients } from "@/lib/clients/list-clients";

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");

export default defineCommand({
  name: "clients list",
  summary: "List OAuth clients, newest first (the review queue with --status pending)",
  options: {
    status: { type: "string", value: "<status>", description: "Only clients that are pending, active, suspended or rejected" },
  },
  schema: z.object({
    status: z.enum(["pending", "active", "suspended", "rejected"], { error: "--status must be pending, active, suspended or rejected" }).optional(),
  }),
  async run(options, io) {
    const clients = await listClients({ status: options.status });
    if (io.json) {
      io.out(JSON.stringify(clients));
      return 0;
    }
    if (clients.length === 0) {
      io.out(options.status ? `No ${options.status} clients.` : "No clients.");
      return 0;
    }
    const rows = clients.map((c) => [c.id, c.name, c.status, c.source, c.tokenEndpointAuthMethod, c.registrationIp ?? "-", day(c.createdAt), day(c.lastUsedAt)]);
    table(rows, ["CLIENT ID", "NAME", "STATUS", "SOURCE", "AUTH", "FROM", "REGISTERED", "LAST USED"]).forEach((l) => io.out(l));
    return 0;
  },
});
