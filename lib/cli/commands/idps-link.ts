import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { linkIdpAccount } from "@/lib/idps/link-idp-account";

export default defineCommand({
  name: "idps link",
  summary: "Link an identity provider's subject to a local person (for --mapping linked)",
  positionals: "<issuer-or-id>",
  options: {
    subject: { type: "string", value: "<sub>", description: "The subject (sub claim) the IdP uses for the person (required)" },
    user: { type: "string", value: "<email-or-id>", description: "The local user (required)" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give the IdP's issuer or id" }),
    subject: z.string({ error: "--subject is required" }),
    user: z.string({ error: "--user is required" }),
  }),
  async run(options, io) {
    const link = await linkIdpAccount({ idp: options._[0], subject: options.subject, user: options.user }, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify(link) : `Subject ${link.subject} now acts as user ${link.userId}.`);
    return 0;
  },
});
