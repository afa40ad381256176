import { SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { callToolOverHttp, mcpClient } from "./support/mcp";
import { mintToken } from "./support/tokens";

test("an admin suspends a client and revokes a grant through MCP tools; each takes effect on the next call", async () => {
  const admin = createUser(["iam_admin"], "mcp-governor");
  const dev = createUser(["reader"], "mcp-holder");
  const adminToken = mintToken({ user: admin.email, scopes: ["clients:read", "clients:write", "tokens:revoke", "audit:read"], clientName: "Admin console agent" });
  const devToken = mintToken({ user: dev.email, scopes: ["account:read"], clientName: "Suspicious agent" });
  const governor = await mcpClient(adminToken.token);
  const holder = await mcpClient(devToken.token);
  await holder.callTool({ name: "whoami", arguments: {} });

  const suspended = await governor.callTool({ name: "suspend_client", arguments: { client_id: devToken.clientId, reason: "unexpected traffic" } });
  expect(suspended.structuredContent).toMatchObject({ client_id: devToken.clientId, previous_status: "active", status: "suspended" });
  const whileSuspended = await holder.callTool({ name: "whoami", arguments: {} }).catch((e: unknown) => e);
  expect((whileSuspended as SdkHttpError).status).toBe(401);
  const refusal = await callToolOverHttp(devToken.token, "whoami");
  expect(refusal.headers.get("www-authenticate")).toContain('error_description="client Suspicious agent is suspended"');

  const approved = await governor.callTool({ name: "approve_client", arguments: { client_id: devToken.clientId, reason: "cleared" } });
  expect(approved.structuredContent).toMatchObject({ previous_status: "suspended", status: "active" });
  expect((await holder.callTool({ name: "whoami", arguments: {} })).isError).toBeFalsy();

  const revoked = await governor.callTool({ name: "revoke_grant", arguments: { grant_id: devToken.grantId, reason: "offboarding" } });
  expect(revoked.structuredContent).toMatchObject({ grant_id: devToken.grantId, revoked: true, access_tokens_revoked: 1 });
  const afterRevocation = await holder.callTool({ name: "whoami", arguments: {} }).catch((e: unknown) => e);
  expect((afterRevocation as SdkHttpError).status).toBe(401);

  const audit = await governor.callTool({ name: "query_audit", arguments: { client_id: devToken.clientId, limit: 20 } });
  const events = (audit.structuredContent as { events: Array<{ kind: string; reason: string }> }).events;
  expect(events.map((e) => e.kind)).toEqual(
    expect.arrayContaining(["decision.deny", "client.suspended", "client.reactivated", "grant.revoked", "decision.allow"]),
  );
  expect(events).toContainEqual(expect.objectContaining({ kind: "client.suspended", reason: "client Suspicious agent active → suspended: unexpected traffic" }));
  await governor.close();
  await holder.close();

  const verify = portcullis(["audit", "verify", "--json"]);
  expect(verify.code).toBe(0);
});
