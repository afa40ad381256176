import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { exportReviewReport } from "@/lib/reviews/export-review-report";

export default defineCommand({
  name: "reviews report",
  summary: "A campaign's report: JSON, CSV, or a signed JSON document (JWS, Ed25519 audit-checkpoint key) for auditors",
  positionals: "<campaign-id>",
  options: {
    format: { type: "string", value: "<json|csv|signed>", description: "Output format (default json)" },
    out: { type: "string", value: "<file>", description: "Write to a file instead of standard output" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give the campaign id"),
    format: z.enum(["json", "csv", "signed"], { error: "--format must be json, csv or signed" }).default("json"),
    out: z.string().optional(),
  }),
  async run(o, io) {
    const text = await exportReviewReport(o._[0], o.format, CLI_CONTEXT);
    if (o.out) {
      await writeFile(o.out, text);
      io.err(`Wrote ${o.out}.${o.format === "signed" ? " Verify it with: reviews verify-report " + o.out : ""}`);
    } else process.stdout.write(text);
    return 0;
  },
});
