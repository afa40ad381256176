import { SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { signIn } from "./support/console";
import { mcpClient } from "./support/mcp";
import { snap } from "./support/screenshot";
import { mintToken } from "./support/tokens";

const run = Date.now().toString(36).slice(-5);

test("an admin previews removing clients:write from editor, sees exactly the calls that would flip, and saves", async ({ page }) => {
  // Five CLI processes and six SDK sessions before the console is opened: slow on a shared machine.
  test.setTimeout(240_000);
  const admin = createUser(["iam_admin"], "impact-admin");
  const editor = createUser(["editor"], "impact-editor");
  const reader = createUser(["reader"], "impact-reader");
  const editorToken = mintToken({ user: editor.email, scopes: ["account:read", "clients:read", "clients:write"], clientName: `Impact agent ${run}` });
  const readerToken = mintToken({ user: reader.email, scopes: ["account:read", "clients:read", "clients:write"], clientName: `Impact reader agent ${run}` });

  // Calls made beforehand through /mcp with the official SDK client, each decision recorded by the server.
  const asEditor = await mcpClient(editorToken.token);
  for (let i = 0; i < 2; i += 1) await asEditor.callTool({ name: "approve_client", arguments: { client_id: `no-such-client-${run}`, reason: "impact journey" } });
  await asEditor.callTool({ name: "suspend_client", arguments: { client_id: `no-such-client-${run}`, reason: "impact journey" } });
  await asEditor.callTool({ name: "list_clients", arguments: {} }); // needs clients:read (inherited from reader): unaffected
  await asEditor.close();
  const asReader = await mcpClient(readerToken.token);
  const refused = await asReader.callTool({ name: "approve_client", arguments: { client_id: `no-such-client-${run}`, reason: "impact journey" } }).catch((e: unknown) => e);
  expect((refused as SdkHttpError).status).toBe(403); // denied before, denied after: no flip
  await asReader.callTool({ name: "list_clients", arguments: {} });
  await asReader.close();

  try {
    await signIn(page, admin.email, admin.password);
    await page.goto("/roles/editor");
    const form = page.getByRole("form", { name: "Own scopes" });
    await form.getByRole("checkbox", { name: /^clients:write/ }).uncheck();
    await form.getByRole("button", { name: "Save scopes" }).click();

    const preview = form.getByRole("region", { name: "Impact preview" });
    await expect(preview.getByTestId("impact-summary")).toBeVisible({ timeout: 30_000 });
    await expect(preview).toContainText("Impact of: role editor own scopes set to none");
    // Other journeys share this server's audit log: the rows for this journey's users are exactly its own calls.
    const ours = preview.locator(
      [editor.email, reader.email].map((email) => `[data-testid="impact-allowed-to-denied"] [data-testid="impact-flip"][data-user="${email}"]`).join(", "),
    );
    await expect(ours).toHaveCount(2);
    const rows = await ours.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute("data-user")} ${tr.getAttribute("data-tool")} ×${tr.getAttribute("data-count")}`).sort());
    expect(rows).toEqual([`${editor.email} approve_client ×2`, `${editor.email} suspend_client ×1`]);
    await expect(ours.filter({ hasText: "approve_client" })).toContainText(`denied: user ${editor.email} has no role granting clients:write`);
    await expect(preview.getByTestId("impact-denied-to-allowed").getByTestId("impact-flip").filter({ hasText: reader.email })).toHaveCount(0);
    // The editor's live grant loses the scope, and its tokens' tools/list loses both tools.
    await expect(preview.getByTestId("impact-grant").filter({ hasText: editor.email })).toContainText(
      "loses clients:write; tools/list loses approve_client, suspend_client",
    );
    await expect(preview.getByTestId("impact-grant").filter({ hasText: reader.email })).toHaveCount(0);
    await snap(page, "impact-preview");

    // A shorter window replays again (the calls above are minutes old, so they are still in it).
    await preview.getByLabel("Preview window").selectOption("1");
    await expect(preview).toContainText("of the last 1 days");
    await expect(ours).toHaveCount(2);

    await preview.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("Scopes saved: removed clients:write.")).toBeVisible();

    // The preview and the decision to save are in the audit log.
    const events = JSON.parse(portcullis(["audit", "tail", "--kind", "impact.saved", "--kind", "impact.previewed", "--limit", "5", "--json"]).stdout) as Array<{
      kind: string;
      actor: string;
      reason: string;
    }>;
    const mine = events.filter((e) => e.actor === `user:${admin.id}`);
    expect(mine.find((e) => e.kind === "impact.saved")?.reason).toMatch(/^saw \d+ flipped calls in impact preview \d+ and saved the change$/);
    expect(mine.filter((e) => e.kind === "impact.previewed").length).toBeGreaterThanOrEqual(1);

    // The editor's very next approve_client is denied with the reason the preview showed.
    const after = await mcpClient(editorToken.token);
    const denied = await after.callTool({ name: "approve_client", arguments: { client_id: `no-such-client-${run}`, reason: "impact journey" } }).catch((e: unknown) => e);
    await after.close();
    expect((denied as SdkHttpError).status).toBe(403);
  } finally {
    // editor is a seeded example role other journeys use: give it its scope back.
    const restored = portcullis(["roles", "set-scopes", "editor", "--scope", "clients:write"]);
    expect(restored.code, restored.stderr).toBe(0);
  }
});

test("a refused change is reported by the preview, and cancelling changes nothing", async ({ page }) => {
  test.setTimeout(120_000);
  const admin = createUser(["iam_admin"], "impact-admin");
  await signIn(page, admin.email, admin.password);
  await page.goto("/roles/reader");
  const parents = page.getByRole("form", { name: "Add parent role" });
  await parents.getByLabel("Inherit from").selectOption("editor");
  await parents.getByRole("button", { name: "Add parent" }).click();
  await expect(parents.getByTestId("impact-error")).toContainText("reader cannot inherit from editor: that would make a cycle (reader → editor → reader)");

  await page.goto("/roles/developer");
  const scopes = page.getByRole("form", { name: "Own scopes" });
  await scopes.getByRole("checkbox", { name: /^clients:read/ }).check();
  await scopes.getByRole("button", { name: "Save scopes" }).click();
  const preview = scopes.getByRole("region", { name: "Impact preview" });
  await expect(preview.getByTestId("impact-summary")).toBeVisible({ timeout: 30_000 });
  await preview.getByRole("button", { name: "Cancel" }).click();
  await expect(scopes.getByText("Cancelled: nothing was changed.")).toBeVisible();
  const roles = JSON.parse(portcullis(["roles", "list", "--json"]).stdout) as Array<{ name: string; effectiveScopes: string[] }>;
  expect(roles.find((r) => r.name === "developer")?.effectiveScopes).not.toContain("clients:read");
  const events = JSON.parse(portcullis(["audit", "tail", "--kind", "impact.cancelled", "--limit", "3", "--json"]).stdout) as Array<{ actor: string; reason: string }>;
  expect(events.find((e) => e.actor === `user:${admin.id}`)?.reason).toMatch(/and cancelled the change$/);
});
