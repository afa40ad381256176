import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";
import { listRoleMappings } from "@/lib/workos/list-role-mappings";

export default defineCommand({
  name: "authkit mappings list",
  summary: "List WorkOS role and permission → local role mappings",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const mappings = await listRoleMappings(db());
    if (io.json) {
      io.out(JSON.stringify(mappings));
      return 0;
    }
    const rows = mappings.map((m) => [m.externalKind, m.externalName, m.role, m.id]);
    table(rows, ["WORKOS", "NAME", "LOCAL ROLE", "ID"]).forEach((l) => io.out(l));
    return 0;
  },
});
