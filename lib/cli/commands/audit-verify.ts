import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import type { AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { checkAuditChain } from "@/lib/audit/check-audit-chain";
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
    checkpoint: {
      type: "string",
      multiple: true,
      value: "<file|json>",
      description: "Also hold the chain against checkpoints kept elsewhere: an exported checkpoint, or a JSON log holding some (- reads standard input)",
    },
  },
  schema: z.object({ checkpoint: z.array(z.string().min(1, "--checkpoint needs a file or JSON")).default([]) }),
  async run(options, io) {
    const anchors = (await Promise.all(options.checkpoint.map((value) => readCheckpoints(value, io)))).flat();
    const report = await checkAuditChain(CLI_CONTEXT, { anchors, logCheckpoint: false });
    if (io.json) io.out(JSON.stringify(report));
    else if (report.ok) {
      io.out(`Audit chain intact: ${report.checked} event(s) verified against ${report.checkpoints.checked} signed checkpoint(s).`);
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
