import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { removeTrustedIdp } from "@/lib/idps/remove-trusted-idp";

export default defineCommand({
  name: "idps remove",
  summary: "Stop trusting an identity provider (by issuer or id); its ID-JAGs are refused from now on",
  positionals: "<issuer-or-id>",
  options: {},
  schema: z.object({ _: z.tuple([z.string()], { error: "give the IdP's issuer or id" }) }),
  async run(options, io) {
    const idp = await removeTrustedIdp(options._[0], CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ removed: idp.id, issuer: idp.issuer }) : `No longer trusting ${idp.name} (${idp.issuer}).`);
    return 0;
  },
});
