import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";
import { listAuthkitRevocations } from "@/lib/workos/list-authkit-revocations";

export default defineCommand({
  name: "authkit revocations list",
  summary: "List the AuthKit deny-list (revoked tokens, clients and users)",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const rows = await listAuthkitRevocations(db());
    if (io.json) {
      io.out(JSON.stringify(rows));
      return 0;
    }
    const lines = rows.map((r) => [r.kind, r.value, r.reason ?? "-", r.createdBy ?? "-", r.createdAt.toISOString(), r.id]);
    table(lines, ["KIND", "VALUE", "REASON", "BY", "AT", "ID"]).forEach((l) => io.out(l));
    return 0;
  },
});
