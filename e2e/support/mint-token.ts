/**
 * Test-only: issues an access token the way the authorization server does (client, grant, AccessToken row, JWT signed
 * with the deployment's key), as a guest of the running e2e server's embedded database. Prints JSON.
 *
 *   tsx e2e/support/mint-token.ts --user <email> --scope <s>… [--client <id>] [--client-name <n>] [--grant <id>]
 */
import { parseArgs } from "node:util";
import { db } from "@/lib/db/client";
import { issueTestToken } from "@/test/support/mcp";
import { startPortcullis } from "@/lib/startup";

const { values } = parseArgs({
  options: {
    user: { type: "string" },
    scope: { type: "string", multiple: true, default: [] },
    client: { type: "string" },
    "client-name": { type: "string" },
    grant: { type: "string" },
    resource: { type: "string" },
  },
});

const started = await startPortcullis("cli");
try {
  const user = await db().user.findUniqueOrThrow({ where: { email: values.user } });
  const issued = await issueTestToken({
    userId: user.id,
    scopes: values.scope,
    clientId: values.client,
    clientName: values["client-name"],
    grantId: values.grant,
    // A token for an upstream server's resource (/mcp/<name>): its client is allowed exactly the scopes asked for.
    ...(values.resource ? { resource: values.resource, allowedScopes: values.scope } : {}),
  });
  process.stdout.write(`${JSON.stringify({ ...issued, userId: user.id })}\n`);
} finally {
  await started.stop();
}
