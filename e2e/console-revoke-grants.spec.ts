import { SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { callToolOverHttp, mcpClient } from "./support/mcp";
import { snap } from "./support/screenshot";
import { mintToken } from "./support/tokens";

const run = Date.now().toString(36).slice(-5);

test("an admin revokes all of a user's grants from the tokens page; the user's next MCP call fails with 401", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  const dev = createUser(["reader"], "leaver");
  const bystander = createUser(["reader"], "stayer");
  const laptop = mintToken({ user: dev.email, scopes: ["account:read", "clients:read"], clientName: `Laptop agent ${run}` });
  const ci = mintToken({ user: dev.email, scopes: ["account:read"], clientName: `CI agent ${run}` });
  const other = mintToken({ user: bystander.email, scopes: ["account:read"], clientName: `Bystander agent ${run}` });
  // A fresh SDK session per phase: an idle keep-alive connection held across the console steps may be closed by the server.
  const before = await mcpClient(laptop.token);
  expect((await before.callTool({ name: "whoami", arguments: {} })).isError).toBeFalsy();
  await before.close();

  await signIn(page, admin.email, admin.password);
  await navigate(page, "Tokens & grants");
  const filters = page.getByRole("search", { name: "Filter grants" });
  await filters.getByLabel("User").fill(dev.email);
  await filters.getByLabel("Status").selectOption("active");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId(`grant-row-${laptop.grantId}`)).toContainText(`Laptop agent ${run}`);
  await expect(page.getByTestId(`grant-row-${ci.grantId}`)).toContainText("active");
  await expect(page.locator('[data-testid^="grant-row-"]')).toHaveCount(2);
  // Every row's Revoke is on screen, without scrolling the table sideways, at 1280 px and at 1440 px.
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    for (const grant of [laptop, ci]) {
      const revoke = page.getByTestId(`grant-row-${grant.grantId}`).getByRole("button", { name: /^Revoke grant of / });
      const box = (await revoke.boundingBox())!;
      expect(box.x + box.width, `Revoke at ${width} px`).toBeLessThanOrEqual(width);
      expect(box.x).toBeGreaterThanOrEqual(0);
    }
    await snap(page, `grants-actions-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 720 });

  // The drawer shows the grant's live access token.
  await page.getByTestId(`grant-row-${laptop.grantId}`).getByRole("link", { name: `Tokens of grant ${laptop.grantId}` }).click();
  const drawer = page.getByRole("dialog", { name: `Grant of ${dev.email} for Laptop agent ${run}` });
  await expect(drawer.locator(`[data-jti="${laptop.jti}"]`)).toBeVisible();
  await snap(page, "grant-drawer");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();

  // Revoke all, with a reason and a confirmation.
  const bulk = page.getByRole("form", { name: `Revoke all grants of ${dev.email}` });
  await bulk.getByLabel(`Reason to revoke all of ${dev.email}'s grants`).fill("e2e: offboarding");
  let confirmation = "";
  page.once("dialog", (dialog) => {
    confirmation = dialog.message();
    void dialog.accept();
  });
  await bulk.getByRole("button", { name: "Revoke all for this user" }).click();
  await expect(bulk.getByText(`Revoked all 2 grant(s) of ${dev.email} (2 access, 0 refresh token(s)).`)).toBeVisible();
  expect(confirmation).toBe(`Revoke every live grant of ${dev.email}? Every MCP client they authorized loses access on its next call.`);
  await snap(page, "revoked-all-for-user");

  // The next call fails, on both of the user's clients; someone else's client is untouched.
  // The same token through the real SDK client: refused from its very first request.
  const refused = await mcpClient(laptop.token).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SdkHttpError);
  expect((refused as SdkHttpError).status).toBe(401);
  const raw = await callToolOverHttp(ci.token, "whoami");
  expect(raw.status).toBe(401);
  const challenge = raw.headers.get("www-authenticate") ?? "";
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toMatch(/error_description="(token|grant) \S+ was revoked"/);
  expect((await callToolOverHttp(other.token, "whoami")).status).toBe(200);

  // One audit event says how many.
  const events = JSON.parse(portcullis(["audit", "tail", "--kind", "grant.revoked", "--limit", "20", "--json"]).stdout) as Array<{ actor: string; subject: string; reason: string }>;
  expect(events).toContainEqual(
    expect.objectContaining({ actor: `user:${admin.id}`, subject: dev.id, reason: `all 2 live grant(s) of ${dev.email} revoked (2 access, 0 refresh token(s); 0 remembered consent(s) withdrawn): e2e: offboarding` }),
  );
});

test("an admin revokes a single grant from the user's page; only that client loses access", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  const dev = createUser(["reader"], "two-clients");
  const kept = mintToken({ user: dev.email, scopes: ["account:read"], clientName: `Kept agent ${run}` });
  const dropped = mintToken({ user: dev.email, scopes: ["account:read"], clientName: `Dropped agent ${run}` });

  await signIn(page, admin.email, admin.password);
  await page.goto(`/users/${dev.id}`);
  const row = page.getByTestId(`grant-row-${dropped.grantId}`);
  await expect(row).toContainText("active");
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: `Revoke grant of ${dev.email} for Dropped agent ${run}` }).click();
  await expect(row).toContainText("revoked");
  await expect(page.getByTestId(`grant-row-${kept.grantId}`)).toContainText("active");
  await snap(page, "user-grant-revoked");

  expect((await callToolOverHttp(dropped.token, "whoami")).status).toBe(401);
  expect((await callToolOverHttp(kept.token, "whoami")).status).toBe(200);
});

test("an admin deletes a client; its tokens stop working on the next call and its id stays deny-listed", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  const dev = createUser(["reader"], "deleted-client-user");
  const doomed = mintToken({ user: dev.email, scopes: ["account:read"], clientName: `Doomed agent ${run}` });
  expect((await callToolOverHttp(doomed.token, "whoami")).status).toBe(200);

  await signIn(page, admin.email, admin.password);
  await page.goto(`/clients/${doomed.clientId}`);
  await expect(page.getByTestId("client-usage")).toContainText("1 live of 1");
  const form = page.getByRole("form", { name: "Delete client" });
  await form.getByLabel("Reason to delete").fill("e2e: decommissioned");
  page.once("dialog", (dialog) => void dialog.accept());
  await form.getByRole("button", { name: "Delete client" }).click();
  await expect(page).toHaveURL(/\/clients\?deleted=/);
  await expect(page.getByText(`Deleted client Doomed agent ${run}. Its grants and tokens are gone.`)).toBeVisible();

  const refused = await callToolOverHttp(doomed.token, "whoami");
  expect(refused.status).toBe(401);
  expect(refused.headers.get("www-authenticate")).toContain(`error_description="client ${doomed.clientId} is not registered"`);
  const event = (JSON.parse(portcullis(["audit", "tail", "--kind", "client.deleted", "--limit", "5", "--json"]).stdout) as Array<{ clientId: string; reason: string }>).find(
    (e) => e.clientId === doomed.clientId,
  );
  expect(event?.reason).toBe(`client Doomed agent ${run} (active) deleted with 1 live grant(s), 1 live access token(s): e2e: decommissioned`);
  const denyList = JSON.parse(portcullis(["authkit", "revocations", "list", "--json"]).stdout) as Array<{ kind: string; value: string; reason: string }>;
  expect(denyList).toContainEqual(expect.objectContaining({ kind: "client", value: doomed.clientId, reason: `client Doomed agent ${run} deleted: e2e: decommissioned` }));
  await page.goto(`/clients/${doomed.clientId}`);
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
});
