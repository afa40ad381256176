import { readFile } from "node:fs/promises";
import { z } from "zod";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { verifyReviewReport } from "@/lib/reviews/review-report-formats";

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new AppError("invalid_input", `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export default defineCommand({
  name: "reviews verify-report",
  summary: "Check a signed access-review report; exits 1 if any byte changed. Offline with --key (the public JWK)",
  positionals: "<file>",
  options: {
    key: { type: "string", value: "<jwk-file>", description: "The public key (reviews public-key); without it, this deployment's" },
  },
  schema: z.object({ _: z.array(z.string()).length(1, "give the signed report file"), key: z.string().optional() }),
  // With --key nothing of the deployment is needed; without it the key derives from the deployment secret.
  needsDatabase: false,
  async run(o, io) {
    const text = await readText(o._[0], "report");
    const key = o.key ? (JSON.parse(await readText(o.key, "key file")) as { kty: string; crv: string; x: string }) : undefined;
    try {
      const report = await verifyReviewReport(text, key);
      if (io.json) io.out(JSON.stringify({ ok: true, campaign: report.campaign, summary: report.summary }));
      else io.out(`Signature valid: access review "${report.campaign.name}" (${report.campaign.id}) by ${report.issuer}, ${report.summary.items} item(s): ${report.summary.kept} kept, ${report.summary.downscoped} downscoped, ${report.summary.revoked} revoked, ${report.summary.undecided} undecided.`);
      return 0;
    } catch (error) {
      if (io.json) io.out(JSON.stringify({ ok: false, error: (error as Error).message }));
      else io.err(`INVALID: ${(error as Error).message}`);
      return 1;
    }
  },
});
