import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { snap } from "./support/screenshot";

const run = Date.now().toString(36).slice(-5);
const issuer = `https://idp-${run}.example`;

test("an admin trusts an enterprise identity provider in Settings, sees bad input named, and removes it again", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await navigate(page, "Settings");
  const form = page.getByRole("form", { name: "Trust an identity provider" });
  await form.getByLabel("Name").fill(`Acme ${run}`);
  await form.getByLabel("Issuer").fill(issuer);
  await form.getByLabel("JWKS URL").fill(`${issuer}/keys`);
  await form.getByLabel("Subject mapping").selectOption("email");
  await form.getByRole("button", { name: "Trust identity provider" }).click();
  await expect(form.getByRole("alert")).toHaveText("allowedEmailDomains: subject mapping email needs at least one allowed email domain");

  await form.getByLabel("Allowed email domains").fill(`acme-${run}.example`);
  await form.getByRole("button", { name: "Trust identity provider" }).click();
  await expect(form.getByText(`ID-JAGs from Acme ${run} are accepted now.`)).toBeVisible();
  const row = page.getByTestId("trusted-idps").locator(`tr[data-issuer="${issuer}"]`);
  await expect(row).toContainText(`email at acme-${run}.example`);
  await snap(page, "idp-trusted");

  const listed = JSON.parse(portcullis(["idps", "list", "--json"]).stdout) as Array<{ issuer: string; createdBy: string }>;
  expect(listed.find((i) => i.issuer === issuer)).toMatchObject({ createdBy: `user:${admin.id}` });
  const trusted = JSON.parse(portcullis(["audit", "tail", "--kind", "idp.trusted", "--limit", "1", "--json"]).stdout)[0];
  expect(trusted).toMatchObject({ actor: `user:${admin.id}`, detail: { issuer } });

  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
  expect((JSON.parse(portcullis(["idps", "list", "--json"]).stdout) as Array<{ issuer: string }>).some((i) => i.issuer === issuer)).toBe(false);
});

test("a reviewer sees the trusted identity providers but cannot change them", async ({ page }) => {
  const reviewer = createUser(["access_reviewer"], "reviewer");
  await signIn(page, reviewer.email, reviewer.password);
  await navigate(page, "Settings");
  await expect(page.getByRole("heading", { name: "Enterprise identity providers (ID-JAG)" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Trust an identity provider" })).toHaveCount(0);
});
