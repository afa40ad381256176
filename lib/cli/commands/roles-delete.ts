import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { deleteRole } from "@/lib/roles/delete-role";

export default defineCommand({
  name: "roles delete",
  summary: "Delete a role nobody holds or inherits",
  positionals: "<name>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give exactly one role name") }),
  async run(options, io) {
    await deleteRole(options._[0], CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ deleted: options._[0] }) : `Deleted role ${options._[0]}.`);
    return 0;
  },
});
