import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { liftAuthkitRevocation } from "@/lib/workos/lift-authkit-revocation";

export default defineCommand({
  name: "authkit revocations lift",
  summary: "Remove an entry from the AuthKit deny-list (by the id `authkit revocations list` shows)",
  positionals: "<id>",
  options: {},
  schema: z.object({ _: z.tuple([z.string()], { error: "give the revocation id" }) }),
  async run(options, io) {
    await liftAuthkitRevocation(options._[0], CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ lifted: options._[0] }) : `Lifted revocation ${options._[0]}.`);
    return 0;
  },
});
