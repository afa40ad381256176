import { z } from "zod";
import { checkpointVerificationKey } from "@/lib/audit/checkpoint-signature";
import { defineCommand } from "@/lib/cli/command";

export default defineCommand({
  name: "reviews public-key",
  summary: "Print the Ed25519 public key (JWK) that checks signed review reports and audit checkpoints, for auditors",
  options: {},
  schema: z.object({}),
  needsDatabase: false,
  async run(_o, io) {
    io.out(JSON.stringify(checkpointVerificationKey()));
    return 0;
  },
});
