import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import type { AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { checkAuditChain } from "@/lib/audit/check-audit-chain";
import type { VerifyProgress } from "@/lib/audit/verify-audit-chain";
import { parseAuditCheckpoints } from "@/lib/audit/parse-audit-checkpoints";
import { defineCommand, type CliIo } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";

/** `--checkpoint` names a file (`-`: standard input) or is the JSON itself. */
async function readCheckpoints(value: string, io: CliIo): Promise<AuditCheckpoint[]> {
  if (/^\s*[[{]/.test(value)) return parseAuditCheckpoints(value, "--checkpoint");
  if (value === "-") return parseAuditCheckpoints(await io.readStdin(), "standard input");
  let text: string;
  try {
    text = await readFile(value, "utf8");
  } catch (error) {
    throw new AppError("invalid_input", `cannot read checkpoint file ${value}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseAuditCheckpoints(text, value);
}

export default defineCommand({
  name: "audit verify",
  summary: "Check the audit log's hash chain against its signed checkpoints; exits 1 if anything is missing or changed",
  options: {
    full: {
      type: "boolean",
      description: "Recompute every event from the first, with progress (by default: the events since the newest signed checkpoint)",
    },
    "in-database": {
      type: "boolean",
      description: "With --full: let PostgreSQL recompute the hashes, in parallel ranges (much faster; trusts the database server's built-in functions)",
    },
    checkpoint: {
      type: "string",
      multiple: true,
      value: "<file|json>",
      description: "Also hold the chain against checkpoints kept elsewhere: an exported checkpoint, or a JSON log holding some (- reads standard input)",
    },
  },
  schema: z.object({ checkpoint: z.array(z.string().min(1, "--checkpoint needs a file or JSON")).default([]), full: z.boolean().default(false), "in-database": z.boolean().default(false) })
    .refine((o) => !o["in-database"] || o.full, { message: "--in-database is a way to run --full: give both", path: ["in-database"] }),
  async run(options, io) {
    const anchors = (await Promise.all(options.checkpoint.map((value) => readCheckpoints(value, io)))).flat();
    let lastReport = 0;
    const onProgress =
      options.full && !io.json
        ? ({ checked, seq, elapsedMs }: VerifyProgress) => {
            if (elapsedMs - lastReport < 2_000) return;
            lastReport = elapsedMs;
            io.err(`  … ${checked.toLocaleString("en")} events verified (up to #${seq}), ${Math.round((checked * 1000) / elapsedMs).toLocaleString("en")} events/s`);
          }
        : undefined;
    const report = await checkAuditChain(CLI_CONTEXT, {
      anchors,
      logCheckpoint: false,
      since: options.full ? "genesis" : "checkpoint",
      inDatabase: options["in-database"],
      onProgress,
    });
    if (io.json) io.out(JSON.stringify(report));
    else if (report.ok) {
      const walked = report.from ? `since signed checkpoint #${report.from.seq} (${report.from.at})` : "from the first";
      io.out(`Audit chain intact: ${report.checked} event(s) verified ${walked} against ${report.checkpoints.checked} signed checkpoint(s), ${report.rate.toLocaleString("en")} events/s.`);
      if (report.from) io.out("Events before that checkpoint are vouched for by its signature; --full recomputes every one.");
      if (report.head) io.out(`Head: event ${report.head.seq}, hash ${report.head.hash}`);
      if (report.checkpoint) io.out(`Checkpoint signed for event ${report.checkpoint.seq} (keep a copy elsewhere: audit checkpoint, or --json).`);
    } else {
      const { firstBreak } = report;
      io.err(`Audit chain BROKEN after ${report.checked} good event(s): ${firstBreak!.message}.`);
      if (firstBreak!.missing) io.err(`Missing or replaced: events ${firstBreak!.missing.from}..${firstBreak!.missing.to}`);
    }
    return report.ok ? 0 : 1;
  },
});
