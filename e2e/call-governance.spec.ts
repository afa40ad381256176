import { createServer } from "node:http";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { errorNotice, navigate, signIn } from "./support/console";
import { callToolOverHttp, MCP_URL, mcpClient } from "./support/mcp";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { mintToken } from "./support/tokens";
import { saveAfterPreview } from "./support/impact";

// Names unique per run, so the journeys can run again on the same data.
const run = Date.now().toString(36).slice(-5);
const role = `support_${run}`;

test("an IAM admin restricts a role's use of a tool by its arguments in the console, tries it, and /mcp enforces it", async ({ page }) => {
  expect(portcullis(["roles", "create", role, "--scope", "clients:read", "--scope", "account:read"]).code).toBe(0);
  const admin = createUser(["iam_admin"], "admin");
  const dev = createUser([role], "dev");
  const token = mintToken({ user: dev.email, scopes: ["clients:read"] });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/roles/${role}`);
  await page.getByTestId("tool-condition-link").filter({ hasText: "add a condition" }).first().waitFor();
  await page.goto(`/roles/${role}/tools/get_client`);
  await expect(page.getByTestId("condition-fields")).toContainText("args.client_id");

  // Refused with the position of the problem, then saved.
  const form = page.getByRole("form", { name: "Condition" });
  await form.getByLabel("CEL condition").fill(`args.clientid.startsWith("team-")`);
  await form.getByRole("button", { name: "Save condition" }).click();
  await expect(errorNotice(page)).toContainText("Condition refused at line 1, column 5: unknown field 'clientid' of args");
  await form.getByLabel("CEL condition").fill(`args.client_id.startsWith("team-")`);
  await form.getByRole("button", { name: "Save condition" }).click();
  await saveAfterPreview(form);
  await expect(page.getByText(`Saved: ${role} may use get_client only when the condition holds.`)).toBeVisible();

  // The call through /mcp: allowed for matching arguments, a plain 403 naming the condition otherwise.
  const client = await mcpClient(token.token);
  const allowed = await client.callTool({ name: "get_client", arguments: { client_id: "team-web" } });
  expect(JSON.stringify(allowed.content)).toContain("No client has client_id team-web");
  const refused = await callToolOverHttp(token.token, "get_client", { client_id: "payments" });
  expect(refused.status).toBe(403);
  expect(refused.headers.get("www-authenticate")).toBeNull();
  expect(((await refused.json()) as { error: { data: Record<string, string> } }).error.data).toMatchObject({ check: "condition", error_description: `condition "args.client_id.startsWith("team-")" false` });
  await client.close();

  // Try it: example arguments, and the recorded calls just made.
  await page.reload();
  const trial = page.getByRole("form", { name: "Try a condition" });
  await trial.getByLabel("Condition to try").fill(`args.client_id == "payments"`);
  await trial.getByLabel("Example arguments (JSON)").fill(`{"client_id":"team-web"}`);
  await trial.getByRole("button", { name: "Try it" }).click();
  await expect(page.getByTestId("condition-trial")).toContainText("would be denied (false)");
  await expect(page.getByTestId("condition-trial-counts")).toContainText("1 would be allowed, 1 denied");

  const cleared = page.getByRole("form", { name: "Remove condition" });
  await cleared.getByRole("button", { name: "Remove condition" }).click();
  await saveAfterPreview(cleared);
  // Removed, the editor shows the permission as unconditional again.
  await expect(page.getByRole("heading", { name: "No condition: the role's permission is unconditional" })).toBeVisible();
});

test("a developer's sensitive call is held; an approver approves it in the console; the retried call runs once", async ({ browser }) => {
  const approver = createUser(["access_reviewer"], "approver");
  const dev = createUser(["reader", "access_reviewer"], "dev");
  expect(portcullis(["tools", "approval", "list_roles", "--approver-role", "access_reviewer"]).code).toBe(0);
  try {
    const token = mintToken({ user: dev.email, scopes: ["policy:read"] });
    const client = await mcpClient(token.token);
    const held = await client.callTool({ name: "list_roles", arguments: {} });
    expect(held.isError).toBe(true);
    const requestId = (held.structuredContent as { approval_request: string }).approval_request;
    expect(JSON.stringify(held.content)).toContain(`Approval request ${requestId}`);

    // The caller cannot approve their own call, even holding the approver role.
    const own = await (await browser.newContext()).newPage();
    await signIn(own, dev.email, dev.password);
    await navigate(own, "Approvals");
    await own.getByRole("form", { name: `Decide request ${requestId}` }).getByRole("button", { name: "Approve the call to list_roles" }).click();
    await expect(errorNotice(own)).toContainText("You cannot approve or deny your own call");

    const page = await (await browser.newContext()).newPage();
    await signIn(page, approver.email, approver.password);
    await navigate(page, "Approvals");
    const item = page.locator(`[data-request="${requestId}"]`);
    await expect(item).toContainText(dev.email);
    await expect(item).toContainText("list_roles");
    await item.getByRole("button", { name: "Approve the call to list_roles" }).click();
    // Decided, it leaves the queue for the recently decided list.
    await expect(page.locator(`[data-request="${requestId}"]`)).toHaveCount(0);
    const decided = page.getByTestId("approvals-decided").getByRole("listitem").filter({ hasText: dev.email });
    await expect(decided).toContainText("approved");
    await expect(decided).toContainText(`by ${approver.email}`);

    const ran = await client.callTool({ name: "list_roles", arguments: {} });
    expect(ran.isError).toBeFalsy();
    const again = await client.callTool({ name: "list_roles", arguments: {} });
    expect(again.isError).toBe(true);
    expect((again.structuredContent as { approval_request: string }).approval_request).not.toBe(requestId);
    await client.close();
  } finally {
    portcullis(["tools", "approval", "list_roles", "--off"]);
  }
});

// A local webhook receiver (Slack/Teams-style JSON) on a port of this suite's own range.
const RECEIVER_PORT = Number(process.env.PORTCULLIS_E2E_RECEIVER_PORT ?? 5381);

test("an admin masks a tool's arguments and sets the notification webhook in the console; a modern client's held call completes once, after an approver approves on the page it was pointed to", async ({ browser }) => {
  // Three people, a browser each, and an MCP client: more steps than the default minute allows on a loaded machine.
  test.setTimeout(180_000);
  const notes: Array<{ path: string; body: { text: string; portcullis: { approval_request: string } } }> = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      notes.push({ path: req.url ?? "", body: JSON.parse(body) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve));
  const admin = createUser(["iam_admin"], "admin");
  const approver = createUser(["access_reviewer"], "approver");
  const dev = createUser(["reader"], "dev");
  const secretArg = `acme-secret-${run}`;
  try {
    const adminPage = await (await browser.newContext()).newPage();
    await signIn(adminPage, admin.email, admin.password);
    await navigate(adminPage, "Approvals");
    const settings = adminPage.getByRole("form", { name: "Tool approval settings" });
    await settings.getByLabel("Tool").selectOption("get_client");
    await settings.getByLabel("Approver roles").fill("access_reviewer");
    await settings.getByLabel("Masked fields").fill("client_id[0]");
    await settings.getByRole("button", { name: "Save approval settings" }).click();
    await expect(errorNotice(adminPage)).toContainText("a masked field is a field name or a dot path");
    await settings.getByLabel("Masked fields").fill("client_id");
    await settings.getByRole("button", { name: "Save approval settings" }).click();
    await expect(adminPage.getByText("Saved: calls to get_client need approval; masked from approvers: client_id.")).toBeVisible();
    await expect(adminPage.locator('[data-tool="get_client"]')).toContainText("masked: client_id");

    const hook = adminPage.getByRole("form", { name: "Approvals webhook" });
    await hook.getByLabel("Webhook URL").fill(`http://127.0.0.1:${RECEIVER_PORT}/services/T0/B0/secret-${run}`);
    await hook.getByRole("button", { name: "Save webhook" }).click();
    await expect(errorNotice(adminPage)).toContainText("private address");
    await hook.getByLabel("Webhook URL").fill(`http://127.0.0.1:${RECEIVER_PORT}/services/T0/B0/secret-${run}`);
    await hook.getByLabel("Allow a private address").check();
    await hook.getByRole("button", { name: "Save webhook" }).click();
    await expect(adminPage.getByTestId("approval-webhook")).toContainText(`http://127.0.0.1:${RECEIVER_PORT}/…`);
    expect(await adminPage.content()).not.toContain(`secret-${run}`);

    // The developer's client declares URL-mode elicitation: it is pointed at the approval page, and the approver
    // (who sees the masked arguments only) approves there; the SDK retries by itself and the call runs.
    const approverPage = await (await browser.newContext()).newPage();
    await signIn(approverPage, approver.email, approver.password);
    const token = mintToken({ user: dev.email, scopes: ["clients:read"] });
    const client = new Client({ name: "elicitation-e2e", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { url: {} } } });
    const shown: string[] = [];
    client.setRequestHandler("elicitation/create", async (request) => {
      const url = (request.params as { url: string }).url;
      shown.push(url);
      const requestId = /request-([0-9a-f-]{36})/.exec(url)![1];
      await approverPage.goto(url);
      const item = approverPage.locator(`[data-request="${requestId}"]`);
      await expect(item.getByTestId("approval-args")).toContainText("••••••");
      await expect(item.getByTestId("approval-args")).not.toContainText(secretArg);
      await item.getByRole("button", { name: "Approve the call to get_client" }).click();
      await expect(approverPage.locator(`[data-request="${requestId}"]`)).toHaveCount(0);
      return { action: "accept" as const };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(MCP_URL), { requestInit: { headers: { Authorization: `Bearer ${token.token}` } } }));
    const result = await client.callTool({ name: "get_client", arguments: { client_id: secretArg } });
    await client.close();
    expect(JSON.stringify(result.content)).toContain(`No client has client_id ${secretArg}`);
    expect(shown).toHaveLength(1);

    const requestId = /request-([0-9a-f-]{36})/.exec(shown[0])![1];
    await expect.poll(() => notes.find((n) => n.body.portcullis?.approval_request === requestId)?.path).toBe(`/services/T0/B0/secret-${run}`);
    expect(notes.find((n) => n.body.portcullis.approval_request === requestId)!.body.text).not.toContain(secretArg);
    const listed = portcullis(["approvals", "list", "--all", "--json"]);
    const entry = (JSON.parse(listed.stdout) as Array<{ id: string; status: string; args: string }>).find((a) => a.id === requestId)!;
    expect(entry.status).toBe("used");
    expect(entry.args).not.toContain(secretArg);
    await adminPage.reload();
    await expect(adminPage.locator(`[data-notification="${requestId}"]`)).toContainText("sent");
  } finally {
    portcullis(["tools", "approval", "get_client", "--off"]);
    portcullis(["approvals", "webhook", "--clear"]);
    receiver.close();
  }
});
