import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";
import { listScopes } from "@/lib/scopes/list-scopes";

export default defineCommand({
  name: "scopes list",
  summary: "List scopes, the roles that grant them and the tools that require them",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const scopes = await listScopes(db());
    if (io.json) {
      io.out(JSON.stringify(scopes));
      return 0;
    }
    const rows = scopes.map((s) => [s.name, [...s.grantedBy, ...s.inheritedBy.map((r) => `${r}*`)].join(",") || "-", s.tools.join(",") || "-"]);
    table(rows, ["SCOPE", "ROLES (* inherited)", "TOOLS"]).forEach((l) => io.out(l));
    return 0;
  },
});
