import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { updateClientScopes } from "@/lib/clients/update-client-scopes";

export default defineCommand({
  name: "clients update-scopes",
  summary: "Replace a client's allowed scopes (the most it may ever receive); applies from the next call",
  positionals: "<client-id>",
  options: {
    ...DRY_RUN_OPTIONS,
    scope: { type: "string", value: "<scope>", multiple: true, description: "An allowed scope (repeat)" },
    scopes: { type: "string", value: "<a,b,…>", description: "The same, as one comma- or space-separated list" },
    none: { type: "boolean", description: "Allow no scope at all" },
    reason: { type: "string", value: "<text>", description: "Why (optional; kept in the audit log)" },
  },
  schema: z
    .object({
      _: z.tuple([z.string()], { error: "give exactly one client id" }),
      scope: z.array(z.string()).optional(),
      scopes: z.string().optional(),
      none: z.boolean().optional(),
      reason: z.string().optional(),
      "dry-run": z.boolean().optional(),
      window: z.string().optional(),
    })
    .refine((o) => o.none || o.scope || o.scopes, { message: "give the scopes (--scope, --scopes) or --none" }),
  async run(options, io) {
    const scopes = options.none ? [] : [...(options.scope ?? []), ...(options.scopes?.split(/[\s,]+/).filter(Boolean) ?? [])];
    if (options["dry-run"]) return printImpactPreview({ kind: "client_scopes", clientId: options._[0], scopes }, options, io);
    const change = await updateClientScopes(options._[0], scopes, CLI_CONTEXT, options.reason);
    if (io.json) io.out(JSON.stringify(change));
    else if (change.added.length === 0 && change.removed.length === 0) io.out(`No change: ${change.name} may receive ${change.scopes.join(" ") || "nothing"}.`);
    else io.out(`${change.name} may now receive: ${change.scopes.join(" ") || "nothing"} (added ${change.added.join(" ") || "-"}; removed ${change.removed.join(" ") || "-"}).`);
    return 0;
  },
});
