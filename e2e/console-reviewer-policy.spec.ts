import { expect, test } from "@playwright/test";
import { createUser, portcullis, seedTools } from "./support/cli";
import { formHtml, navigate, replay, signIn } from "./support/console";
import { snap } from "./support/screenshot";

const run = Date.now().toString(36).slice(-5);
const tool = `e2e_guarded_${run}`;

test("an access reviewer reads roles, scopes and tools but cannot change them — not even by replaying an admin's forms", async ({ browser }) => {
  seedTools({ [tool]: "audit:read" });
  const admin = createUser(["iam_admin"], "admin");
  const reviewer = createUser(["access_reviewer"], "reviewer");

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, admin.email, admin.password);
  await adminPage.goto("/roles");
  const createRoleForm = await formHtml(adminPage, "Create role");
  await adminPage.goto("/scopes");
  const toolForm = await formHtml(adminPage, `Required scope of ${tool}`);

  const page = await (await browser.newContext()).newPage();
  await signIn(page, reviewer.email, reviewer.password);

  // Read-only: everything visible, no control that changes anything.
  await navigate(page, "Roles");
  await expect(page.getByTestId("role-graph")).toBeVisible();
  await expect(page.getByRole("form", { name: "Create role" })).toHaveCount(0);
  await expect(page.getByText("You can read roles but not change them.")).toBeVisible();
  await page.goto("/roles/editor");
  await expect(page.getByTestId("role-effective-scopes")).toBeVisible();
  for (const name of ["Delete role", "Add parent", "Save scopes", "Save description"]) {
    await expect(page.getByRole("button", { name })).toHaveCount(0);
  }
  await navigate(page, "Scopes & tools");
  const row = page.getByTestId(`tool-row-${tool}`);
  await expect(row.getByRole("img", { name: `${tool} requires audit:read` })).toBeVisible();
  await expect(row.getByRole("radio")).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Create scope" })).toHaveCount(0);
  await snap(page, "reviewer-scopes-read-only");

  // Forged: the admin's create-role form, submitted with the reviewer's session.
  const forgedRole = `forged_${run}`;
  await page.goto("/roles");
  await replay(page, createRoleForm, { name: forgedRole, scopes: "policy:write" });
  await expect(page.getByText("You can read roles but not change them.")).toBeVisible();

  // Forged: the admin's tool-scope form, asking for a scope the reviewer holds.
  await page.goto("/scopes");
  await replay(page, toolForm, { scope: "account:read" });
  await expect(page.getByText("You can read scopes and tools but not change them.")).toBeVisible();

  const roles = JSON.parse(portcullis(["roles", "list", "--json"]).stdout) as Array<{ name: string }>;
  expect(roles.map((r) => r.name)).not.toContain(forgedRole);
  const tools = JSON.parse(portcullis(["tools", "list", "--json"]).stdout) as Array<{ name: string; requiredScope: string }>;
  expect(tools.find((t) => t.name === tool)?.requiredScope).toBe("audit:read");
  const denials = JSON.parse(portcullis(["audit", "tail", "--kind", "console.denied", "--limit", "10", "--json"]).stdout) as Array<{ reason: string }>;
  expect(denials.map((d) => d.reason)).toEqual(
    expect.arrayContaining([
      `user ${reviewer.email} lacks policy:write to create roles`,
      `user ${reviewer.email} lacks policy:write to change which scope a tool requires`,
    ]),
  );
});
