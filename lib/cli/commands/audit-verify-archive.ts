import { readFile } from "node:fs/promises";
import { z } from "zod";
import { verifyAuditArchive } from "@/lib/audit/verify-audit-archive";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";

export default defineCommand({
  name: "audit verify-archive",
  summary: "Check an audit archive file offline: every event's link and hash, and its signed closing checkpoint; exits 1 if not intact",
  positionals: "<file>",
  options: {
    key: { type: "string", value: "<jwk-file>", description: "The public key (audit checkpoint --public-key); without it, this deployment's" },
  },
  schema: z.object({ _: z.array(z.string()).length(1, "give one archive file"), key: z.string().optional() }),
  // The archive is checked on its own: no database, only the key (given, or derived from the deployment secret).
  needsDatabase: false,
  async run(options, io) {
    let key: { kty: string; crv: string; x: string } | undefined;
    if (options.key) {
      try {
        key = JSON.parse(await readFile(options.key, "utf8"));
      } catch (error) {
        throw new AppError("invalid_input", `cannot read key file ${options.key}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    const report = await verifyAuditArchive(options._[0], { publicKey: key });
    if (io.json) io.out(JSON.stringify({ ...report, elapsedMs: Math.round(report.elapsedMs) }));
    else if (report.ok) {
      io.out(`Archive intact: ${report.header!.partition}, events #${report.header!.firstSeq} .. #${report.header!.lastSeq} (${report.events}), last hash ${report.lastHash}, checkpoint signed ${report.checkpoint!.at}; sha256 ${report.sha256}.`);
    } else io.err(`Archive NOT intact: ${report.problem}.`);
    return report.ok ? 0 : 1;
  },
});
