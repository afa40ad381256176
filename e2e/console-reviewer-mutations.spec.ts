import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { formHtml, navigate, replay, signIn } from "./support/console";
import { callToolOverHttp } from "./support/mcp";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";
import { mintToken } from "./support/tokens";

const run = Date.now().toString(36).slice(-5);

test("an access reviewer reads clients, grants and settings but cannot change them — not even by replaying an admin's forms", async ({ browser }) => {
  const admin = createUser(["iam_admin"], "admin");
  const reviewer = createUser(["access_reviewer"], "reviewer");
  const dev = createUser(["reader"], "dev");
  const grant = mintToken({ user: dev.email, scopes: ["account:read"], clientName: `Reviewed agent ${run}` });
  const name = `Unreviewed ${run}`;
  const registered = await fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: ["http://127.0.0.1:5000/cb"], token_endpoint_auth_method: "none" }),
  });
  const clientId = ((await registered.json()) as { client_id: string }).client_id;

  // The admin's forms, to forge with.
  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, admin.email, admin.password);
  await adminPage.goto(`/clients/${clientId}`);
  const approveForm = await formHtml(adminPage, "Approve client");
  const deleteForm = await formHtml(adminPage, "Delete client");
  await adminPage.goto(`/tokens?user=${encodeURIComponent(dev.email)}`);
  const revokeAllForm = await formHtml(adminPage, `Revoke all grants of ${dev.email}`);
  await adminPage.goto("/settings");
  const policyForm = await formHtml(adminPage, "Registration policy");
  const rotateForm = await formHtml(adminPage, "Rotate signing keys");
  const keysBefore = ((await (await fetch(`${E2E_BASE_URL}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

  const page = await (await browser.newContext()).newPage();
  await signIn(page, reviewer.email, reviewer.password);

  // Read-only everywhere: the evidence is visible, no control that changes anything is.
  await navigate(page, "Clients");
  await expect(page.getByTestId("review-queue").getByTestId(`client-row-${clientId}`)).toBeVisible();
  await expect(page.getByRole("form", { name: "Approve selected clients" })).toHaveCount(0);
  await expect(page.getByRole("checkbox", { name: `Select ${name}` })).toHaveCount(0);
  await page.goto(`/clients/${clientId}`);
  await expect(page.getByTestId("redirect-uris")).toContainText("http://127.0.0.1:5000/cb");
  for (const form of ["Approve client", "Reject client", "Delete client", "Revoke all grants of this client"]) {
    await expect(page.getByRole("form", { name: form })).toHaveCount(0);
  }
  await expect(page.getByText("You can read clients but not change them.")).toBeVisible();
  await snap(page, "reviewer-client-read-only");

  await navigate(page, "Tokens & grants");
  await expect(page.getByTestId(`grant-row-${grant.grantId}`)).toContainText("active");
  await expect(page.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await expect(page.getByText("You can read grants and tokens but not revoke them.")).toBeVisible();

  await navigate(page, "Settings");
  await expect(page.getByTestId("registration-policy")).toBeVisible();
  await expect(page.getByTestId("signing-keys")).toBeVisible();
  for (const form of ["Registration policy", "Token lifetimes", "Rotate signing keys"]) await expect(page.getByRole("form", { name: form })).toHaveCount(0);
  await expect(page.getByText("You can read settings but not change them.")).toBeVisible();
  await snap(page, "reviewer-settings-read-only");

  // Forged replays, each answered with the reviewer's own read-only page.
  await page.goto(`/clients/${clientId}`);
  await replay(page, approveForm, { reason: "forged", scopes: "clients:write" });
  await expect(page.getByText("You can read clients but not change them.")).toBeVisible();
  await replay(page, deleteForm, { reason: "forged" });
  await expect(page.getByText("You can read clients but not change them.")).toBeVisible();
  await page.goto("/tokens");
  await replay(page, revokeAllForm, { reason: "forged" });
  await expect(page.getByText("You can read grants and tokens but not revoke them.")).toBeVisible();
  await page.goto("/settings");
  await replay(page, policyForm, { deniedHosts: "forged.example", maxPendingClients: "1" });
  await expect(page.getByText("You can read settings but not change them.")).toBeVisible();
  await replay(page, rotateForm, {});
  await expect(page.getByText("You can read settings but not change them.")).toBeVisible();

  // Nothing changed…
  expect(JSON.parse(portcullis(["clients", "show", clientId, "--json"]).stdout).status).toBe("pending");
  const grants = JSON.parse(portcullis(["grants", "list", "--user", dev.email, "--json"]).stdout) as Array<{ id: string; status: string }>;
  expect(grants.find((g) => g.id === grant.grantId)?.status).toBe("active");
  expect((await callToolOverHttp(grant.token, "whoami")).status).toBe(200);
  const keysAfter = ((await (await fetch(`${E2E_BASE_URL}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
  expect(keysAfter).toEqual(keysBefore);
  const policyChanges = JSON.parse(portcullis(["audit", "tail", "--kind", "settings.changed", "--limit", "20", "--json"]).stdout) as Array<{ actor: string }>;
  expect(policyChanges.map((e) => e.actor)).not.toContain(`user:${reviewer.id}`);

  // …and every attempt is on record.
  const denials = JSON.parse(portcullis(["audit", "tail", "--kind", "console.denied", "--limit", "20", "--json"]).stdout) as Array<{ reason: string }>;
  expect(denials.map((d) => d.reason)).toEqual(
    expect.arrayContaining([
      `user ${reviewer.email} lacks clients:write to approve clients`,
      `user ${reviewer.email} lacks clients:write to delete clients`,
      `user ${reviewer.email} lacks tokens:revoke to revoke a user's grants`,
      `user ${reviewer.email} lacks settings:write to change the registration policy`,
      `user ${reviewer.email} lacks settings:write to rotate signing keys`,
    ]),
  );
});
