import { z } from "zod";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";

export default defineCommand({
  name: "audit checkpoint",
  summary: "Sign the audit chain's head now and print the checkpoint (JSON) to keep outside the database",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const checkpoint = await writeAuditCheckpoint(undefined, { log: false });
    if (!checkpoint) throw new AppError("not_found", "The audit log is empty: there is no head to sign yet.");
    // One line of JSON whatever the output mode: it is the export, for `audit verify --checkpoint <file>` later.
    io.out(JSON.stringify(checkpoint));
    return 0;
  },
});
