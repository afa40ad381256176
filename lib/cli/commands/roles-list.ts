import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";
import { listRoles } from "@/lib/roles/list-roles";

export default defineCommand({
  name: "roles list",
  summary: "List roles with parents, own scopes and effective scopes",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const roles = await listRoles(db());
    if (io.json) {
      io.out(JSON.stringify(roles));
      return 0;
    }
    const rows = roles.map((r) => [
      r.name,
      r.parents.join(",") || "-",
      String(r.userCount),
      r.effectiveScopes.join(" ") || "-",
    ]);
    table(rows, ["ROLE", "INHERITS", "USERS", "EFFECTIVE SCOPES"]).forEach((l) => io.out(l));
    return 0;
  },
});
