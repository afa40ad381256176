import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { removeRoleMapping } from "@/lib/workos/remove-role-mapping";

export default defineCommand({
  name: "authkit mappings remove",
  summary: "Remove a WorkOS → local role mapping (by the id `authkit mappings list` shows)",
  positionals: "<id>",
  options: {},
  schema: z.object({ _: z.tuple([z.string()], { error: "give the mapping id" }) }),
  async run(options, io) {
    await removeRoleMapping(options._[0], CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ removed: options._[0] }) : `Removed mapping ${options._[0]}.`);
    return 0;
  },
});
