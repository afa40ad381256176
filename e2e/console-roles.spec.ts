import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { errorNotice, navigate, signIn } from "./support/console";
import { falseEdgeCrossings, rolesCutOff } from "./support/role-graph";
import { snap } from "./support/screenshot";
import { saveAfterPreview } from "./support/impact";

// Role names unique per run, so the journey can run again on the same data.
const run = Date.now().toString(36).slice(-5);
const support = `support_${run}`;
const lead = `lead_${run}`;
const secLead = `seclead_${run}`;

test("an IAM admin builds a role hierarchy, sees inherited scopes with their paths, and is refused a cycle", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await navigate(page, "Roles");
  await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
  await expect(page.getByTestId("role-graph").locator('[data-role-node="reader"]')).toBeVisible();

  // support: inherits reader, adds users:read of its own.
  const create = page.getByRole("form", { name: "Create role" });
  await create.getByLabel("Role name").fill(support);
  await create.getByLabel("Description").fill("Second-line support");
  await create.getByRole("checkbox", { name: "reader", exact: true }).check();
  await create.getByRole("checkbox", { name: /^users:read/ }).check();
  await create.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByText(`Created role ${support}.`)).toBeVisible();
  await expect(page.getByTestId(`role-row-${support}`)).toContainText("reader");
  // Drawn as an edge of the graph and nested in the list.
  await expect(page.locator(`[data-edge="${support}->reader"]`)).toHaveCount(1);
  await expect(page.getByTestId("role-tree").getByRole("link", { name: support })).toBeVisible();

  // lead: inherits support and editor — a diamond over reader.
  await create.getByLabel("Role name").fill(lead);
  await create.getByRole("checkbox", { name: support, exact: true }).check();
  await create.getByRole("checkbox", { name: "editor", exact: true }).check();
  await create.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByText(`Created role ${lead}.`)).toBeVisible();
  await expect(page.locator(`[data-edge="${lead}->${support}"]`)).toHaveCount(1);
  await expect(page.locator(`[data-edge="${lead}->editor"]`)).toHaveCount(1);
  await expect(page.getByTestId("role-tree").getByText(`also inherits ${support}`)).toBeVisible();

  // security lead: inherits access_reviewer (a root) and editor (a row lower). The arrow to access_reviewer skips the
  // editor row; it must pass beside the boxes there, never under one, or it reads as "editor inherits access_reviewer".
  await create.getByLabel("Role name").fill(secLead);
  await create.getByRole("checkbox", { name: "access_reviewer", exact: true }).check();
  await create.getByRole("checkbox", { name: "editor", exact: true }).check();
  await create.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByText(`Created role ${secLead}.`)).toBeVisible();
  await expect(page.locator(`[data-edge="${secLead}->access_reviewer"]`)).toHaveCount(1);
  expect(await falseEdgeCrossings(page)).toEqual([]);
  // Pointing at a role lights its own arrows and only those; keyboard focus does the same.
  await page.locator(`[data-role-node="${secLead}"]`).hover();
  await expect(page.locator('[data-edge][data-highlighted="true"]')).toHaveCount(2);
  await expect(page.locator(`[data-edge="${secLead}->access_reviewer"]`)).toHaveAttribute("data-highlighted", "true");
  await expect(page.locator(`[data-edge="${secLead}->editor"]`)).toHaveAttribute("data-highlighted", "true");
  await snap(page, "roles-hierarchy-highlight");
  await page.mouse.move(0, 0);
  await page.locator('[data-role-node="reader"]').focus();
  await expect(page.locator('[data-edge="editor->reader"]')).toHaveAttribute("data-highlighted", "true");
  await expect(page.locator(`[data-edge="${secLead}->access_reviewer"]`)).not.toHaveAttribute("data-highlighted", "true");
  await page.locator('[data-role-node="reader"]').blur();
  await snap(page, "roles-hierarchy");
  // On a role's own page the whole graph fits its card: no role is cut off.
  await page.goto(`/roles/${secLead}`);
  await expect(page.locator('[data-role-node="iam_admin"]')).toHaveCount(1);
  expect(await rolesCutOff(page)).toEqual([]);
  expect(await falseEdgeCrossings(page)).toEqual([]);
  await snap(page, "role-page-graph-fits");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(page).toHaveURL(new RegExp(`/roles\\?deleted=${secLead}`));
  await page.goto("/roles");

  await page.getByTestId(`role-row-${lead}`).getByRole("link", { name: lead }).click();
  await expect(page.getByRole("heading", { name: lead, level: 1 })).toBeVisible();
  const path = (scope: string) => page.getByTestId("role-effective-scopes").locator(`[data-scope="${scope}"] [data-testid="reason-path"]`);
  await expect(path("users:read")).toHaveAttribute("title", `role ${lead} → inherits ${support} → scope users:read`);
  await expect(path("clients:write")).toHaveAttribute("title", `role ${lead} → inherits editor → scope clients:write`);
  // Reachable two ways (through support and through editor): the shortest path is shown.
  await expect(path("clients:read")).toHaveAttribute("title", /^role .* → inherits (editor|support_\w+) → inherits reader → scope clients:read$/);
  await expect(page.getByTestId("role-ancestors")).toHaveText(["editor", "reader", support].sort().join(", "));
  await snap(page, "lead-effective-scopes");

  // Closing the loop (support inherits lead) is refused, with the cycle spelled out.
  await page.goto(`/roles/${support}`);
  await page.getByLabel("Inherit from").selectOption(lead);
  await page.getByRole("button", { name: "Add parent" }).click();
  await expect(errorNotice(page)).toHaveText(`${support} cannot inherit from ${lead}: that would make a cycle (${support} → ${lead} → ${support})`);
  await snap(page, "cycle-refused");
  await expect(page.getByRole("list", { name: "Inherits from" }).getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("list", { name: "Inherits from" })).toContainText("reader");

  // Own scopes edited: support gives tokens:read too; lead (a descendant) gains it at once.
  const scopesForm = page.getByRole("form", { name: "Own scopes" });
  await scopesForm.getByRole("checkbox", { name: /^tokens:read/ }).check();
  await scopesForm.getByRole("button", { name: "Save scopes" }).click();
  await saveAfterPreview(scopesForm);
  await expect(page.getByText("Scopes saved: added tokens:read.")).toBeVisible();
  await page.goto(`/roles/${lead}`);
  await expect(path("tokens:read")).toHaveAttribute("title", `role ${lead} → inherits ${support} → scope tokens:read`);

  // Deleting: refused while lead inherits support; allowed for lead, then for support.
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(`/roles/${support}`);
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(errorNotice(page)).toHaveText(`${lead} inherits from ${support}: remove that link first`);
  await page.goto(`/roles/${lead}`);
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(page).toHaveURL(new RegExp(`/roles\\?deleted=${lead}`));
  await expect(page.getByText(`Deleted role ${lead}.`)).toBeVisible();

  // Built-in roles offer no delete at all.
  await page.goto("/roles/iam_admin");
  await expect(page.getByRole("button", { name: "Delete role" })).toHaveCount(0);

  const roles = JSON.parse(portcullis(["roles", "list", "--json"]).stdout) as Array<{ name: string; parents: string[]; effectiveScopes: string[] }>;
  expect(roles.find((r) => r.name === lead)).toBeUndefined();
  expect(roles.find((r) => r.name === support)).toMatchObject({ parents: ["reader"] });
  const changes = JSON.parse(portcullis(["audit", "tail", "--kind", "policy.changed", "--limit", "10", "--json"]).stdout) as Array<{ reason: string; actor: string }>;
  expect(changes.map((c) => c.reason)).toEqual(
    expect.arrayContaining([`role ${support} created, inheriting reader`, `role ${lead} deleted`, `role ${support} gained tokens:read`]),
  );
  // Start-up (tool sync) also changes policy, as "system": this journey's changes are all the admin's.
  const mine = changes.filter((c) => c.reason.includes(`_${run}`));
  expect(mine.length).toBeGreaterThanOrEqual(3);
  expect(mine.every((c) => c.actor === `user:${admin.id}`)).toBe(true);
});

test("the role pages work on a narrow window and by keyboard", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin.email, admin.password);
  await page.goto("/roles");
  // Let the page settle (hydration can replace the focused node), then measure and use the keyboard.
  await page.waitForLoadState("networkidle");
  // Nothing wider than the window but the graph, which scrolls inside its card.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // The graph's roles are links reachable with the keyboard.
  const editorNode = page.locator('[data-role-node="editor"]');
  await editorNode.focus();
  await expect(editorNode).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/roles\/editor$/);
  await snap(page, "role-narrow");
});
