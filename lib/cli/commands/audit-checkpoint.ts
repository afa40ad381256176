import { z } from "zod";
import { checkpointVerificationKey } from "@/lib/audit/checkpoint-signature";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";

export default defineCommand({
  name: "audit checkpoint",
  summary: "Sign the audit chain's head now and print the checkpoint (JSON) to keep outside the database",
  options: {
    "public-key": {
      type: "boolean",
      description: "Print instead the public key (JWK) that checks this deployment's checkpoints, for verifiers without the secret",
    },
  },
  schema: z.object({ "public-key": z.boolean().default(false) }),
  async run(options, io) {
    if (options["public-key"]) {
      io.out(JSON.stringify({ ...checkpointVerificationKey(), use: "sig", alg: "EdDSA" }));
      return 0;
    }
    const checkpoint = await writeAuditCheckpoint(undefined, { log: false });
    if (!checkpoint) throw new AppError("not_found", "The audit log is empty: there is no head to sign yet.");
    // One line of JSON whatever the output mode: it is the export, for `audit verify --checkpoint <file>` later.
    io.out(JSON.stringify(checkpoint));
    return 0;
  },
});
