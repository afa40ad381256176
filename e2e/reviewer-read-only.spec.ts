import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { formHtml, navigate, replay, signIn } from "./support/console";

test("an access reviewer reads users but cannot change them — not even by replaying an admin's form", async ({ browser }) => {
  const admin = createUser(["iam_admin"], "admin");
  const reviewer = createUser(["access_reviewer"], "reviewer");

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, admin.email, admin.password);
  await adminPage.goto("/users");
  const adminForm = await formHtml(adminPage, "Create user");

  const page = await (await browser.newContext()).newPage();
  await signIn(page, reviewer.email, reviewer.password);
  await navigate(page, "Users");
  await expect(page.getByTestId(`user-row-${admin.email}`)).toBeVisible();
  await expect(page.getByRole("form", { name: "Create user" })).toHaveCount(0);
  await expect(page.getByText("You can read users but not change them.")).toBeVisible();

  await page.getByRole("link", { name: admin.email.split("@")[0] }).click();
  await expect(page.getByRole("heading", { name: "Roles" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Assign role" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Disable user" })).toHaveCount(0);

  // Forge the request: plant the admin's form (with its server-action reference) in the reviewer's page and submit
  // it natively, carrying the reviewer's session cookie.
  await page.goto("/users");
  const victim = `forged-${Date.now()}@example.test`;
  await replay(page, adminForm, { name: "Forged", email: victim, password: "forged-password-123", roles: "iam_admin" });
  // The server answers with the reviewer's own (read-only) page: the action was refused, not run.
  await expect(page.getByText("You can read users but not change them.")).toBeVisible();

  const users = JSON.parse(portcullis(["users", "list", "--json"]).stdout) as Array<{ email: string }>;
  expect(users.map((u) => u.email)).not.toContain(victim);
  const denials = JSON.parse(portcullis(["audit", "tail", "--kind", "console.denied", "--json"]).stdout) as Array<{ reason: string }>;
  expect(denials.map((d) => d.reason)).toContain(`user ${reviewer.email} lacks users:write to create users`);
});
