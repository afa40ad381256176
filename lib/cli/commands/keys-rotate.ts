import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { rotateSigningKeys } from "@/lib/keys";

export default defineCommand({
  name: "keys rotate",
  summary: "Sign new tokens with a new key; the previous key stays published until its last token expires",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const result = await rotateSigningKeys(CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`New signing key ${result.kid}. Retired (still published until their tokens expire): ${result.retired.join(", ") || "none"}.`);
    return 0;
  },
});
