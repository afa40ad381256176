import { z } from "zod";
import { CLI_CONTEXT, type AuditContext } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";

/**
 * `clients <verb> <client-id> --reason "…"`: one decision on one client, taken through lib/ with the reason kept in the
 * audit log; prints the outcome (or the result as JSON with --json).
 */
export function defineClientDecisionCommand<R>(spec: {
  verb: string;
  summary: string;
  decide: (clientId: string, reason: string, ctx: AuditContext) => Promise<R>;
  describe: (result: R) => string[];
}) {
  return defineCommand({
    name: `clients ${spec.verb}`,
    summary: spec.summary,
    positionals: "<client-id>",
    options: {
      reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
    },
    schema: z.object({
      _: z.tuple([z.string()], { error: "give exactly one client id" }),
      reason: z.string({ error: "--reason is required" }),
    }),
    async run(options, io) {
      const result = await spec.decide(options._[0], options.reason, CLI_CONTEXT);
      if (io.json) io.out(JSON.stringify(result));
      else for (const line of spec.describe(result)) io.out(line);
      return 0;
    },
  });
}
