import { z } from "zod";
import { CLI_CONTEXT, type AuditContext } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";

/**
 * `clients <verb> <client-id> --reason "…"`: one decision on one client, taken through lib/ with the reason kept in the
 * audit log; prints the outcome (or the result as JSON with --json).
 */
export function defineClientDecisionCommand<R>(spec: {
  verb: string;
  summary: string;
  decide: (clientId: string, reason: string, ctx: AuditContext) => Promise<R>;
  describe: (result: R) => string[];
  /** Set for the decisions that change what calls are allowed: the command then takes --dry-run. */
  previewable?: boolean;
}) {
  return defineCommand({
    name: `clients ${spec.verb}`,
    summary: spec.summary,
    positionals: "<client-id>",
    options: {
      ...(spec.previewable ? DRY_RUN_OPTIONS : {}),
      reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
    },
    schema: z
      .object({
        _: z.tuple([z.string()], { error: "give exactly one client id" }),
        reason: z.string().optional(),
        "dry-run": z.boolean().optional(),
        window: z.string().optional(),
      })
      // A dry run saves nothing, so it needs no reason.
      .refine((o) => o["dry-run"] || o.reason !== undefined, { message: "--reason is required", path: ["reason"] }),
    async run(options, io) {
      if (options["dry-run"] && spec.previewable) {
        return printImpactPreview({ kind: "client_status", clientId: options._[0], verb: spec.verb as "suspend" }, options, io);
      }
      const result = await spec.decide(options._[0], options.reason ?? "", CLI_CONTEXT);
      if (io.json) io.out(JSON.stringify(result));
      else for (const line of spec.describe(result)) io.out(line);
      return 0;
    },
  });
}
