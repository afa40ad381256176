import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { updateWorkosLinking } from "@/lib/settings/update-workos-linking";
import { workosLinking } from "@/lib/settings/workos-linking";

export default defineCommand({
  name: "authkit link-domains",
  summary: "Show or set the email domains whose verified WorkOS identities link to existing accounts automatically",
  options: {
    domain: { type: "string", value: "<domain>", multiple: true, description: "A domain to trust (repeat for several); replaces the list" },
    clear: { type: "boolean", description: "Trust no domain: every link is an admin's (`users link-workos`)" },
  },
  schema: z.object({ domain: z.array(z.string()).default([]), clear: z.boolean().default(false) }),
  async run(options, io) {
    if (options.clear && options.domain.length > 0) throw new AppError("invalid_input", "give --domain or --clear, not both");
    const linking = options.clear || options.domain.length > 0 ? await updateWorkosLinking({ autoLinkEmailDomains: options.domain }, CLI_CONTEXT) : await workosLinking();
    const domains = linking.autoLinkEmailDomains;
    io.out(io.json ? JSON.stringify(linking) : domains.length ? `Verified emails at ${domains.join(", ")} link automatically (never to an iam_admin or a write-scope holder).` : "No WorkOS identity links automatically.");
    return 0;
  },
});
