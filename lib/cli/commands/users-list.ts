import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { listUsers } from "@/lib/users/list-users";

export default defineCommand({
  name: "users list",
  summary: "List users with their roles",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const users = await listUsers();
    if (io.json) {
      io.out(JSON.stringify(users));
      return 0;
    }
    const rows = users.map((u) => [u.email, u.name, u.roles.join(",") || "-", u.disabled ? "disabled" : "enabled", u.id]);
    table(rows, ["EMAIL", "NAME", "ROLES", "STATUS", "ID"]).forEach((l) => io.out(l));
    return 0;
  },
});
