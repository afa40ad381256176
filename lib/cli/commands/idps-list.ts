import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { listTrustedIdps } from "@/lib/idps/list-trusted-idps";

export default defineCommand({
  name: "idps list",
  summary: "List trusted enterprise identity providers",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const idps = await listTrustedIdps();
    if (io.json) {
      io.out(JSON.stringify(idps));
      return 0;
    }
    const rows = idps.map((i) => [i.name, i.issuer, i.jwksUri, i.subjectMapping === "email" ? `email (${i.allowedEmailDomains.join(", ")})` : `linked (${i.linkedAccounts})`]);
    table(rows, ["NAME", "ISSUER", "JWKS URI", "SUBJECTS"]).forEach((l) => io.out(l));
    return 0;
  },
});
