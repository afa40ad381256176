import { expect, test } from "@playwright/test";
import { createUser, portcullis, seedTools } from "./support/cli";
import { errorNotice, navigate, signIn } from "./support/console";
import { snap } from "./support/screenshot";
import { saveAfterPreview } from "./support/impact";

const run = Date.now().toString(36).slice(-5);
const tool = `e2e_report_${run}`;
const scope = `reports${run}:read`;

test("an IAM admin creates a scope and makes a tool require it in the tools × scopes matrix", async ({ page }) => {
  // Tools come from code (the MCP endpoint's start-up sync); the journey registers one of its own.
  seedTools({ [tool]: "clients:read" });
  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await navigate(page, "Scopes & tools");

  const row = page.getByTestId(`tool-row-${tool}`);
  await expect(row.getByRole("radio", { name: `${tool} requires clients:read` })).toBeChecked();
  await expect(row).toContainText("access_reviewer, editor, iam_admin, reader");

  // A bad name is refused with the rule; a good one is created.
  const create = page.getByRole("form", { name: "Create scope" });
  await create.getByLabel("Scope name").fill("Reports Read");
  await create.getByLabel("What it allows").fill("Read reports");
  await create.getByRole("button", { name: "Create scope" }).click();
  await expect(errorNotice(page)).toContainText("use area:verb (e.g. reports:read) or tools:<name>");
  await create.getByLabel("Scope name").fill(scope);
  await create.getByRole("button", { name: "Create scope" }).click();
  await expect(page.getByText(`Created scope ${scope}.`)).toBeVisible();
  await expect(page.getByTestId(`scope-row-${scope}`)).toContainText("Read reports");

  // The matrix gains a column; choosing it for the tool and saving changes the policy.
  const save = row.getByRole("button", { name: `Save required scope of ${tool}` });
  await expect(save).toBeDisabled();
  await row.getByRole("radio", { name: `${tool} requires ${scope}` }).check();
  await expect(save).toBeEnabled();
  await snap(page, "matrix-change-pending");
  await save.click();
  await saveAfterPreview(row);
  await expect(page.getByText(`${tool} now requires ${scope} (was clients:read).`)).toBeVisible();
  await expect(page.getByTestId(`tool-row-${tool}`).getByRole("radio", { name: `${tool} requires ${scope}` })).toBeChecked();
  // Nobody holds the new scope yet: the matrix says so.
  await expect(page.getByTestId(`tool-row-${tool}`)).toContainText("none");
  await expect(page.getByTestId(`scope-row-${scope}`)).toContainText(tool);
  await snap(page, "matrix-changed");

  const tools = JSON.parse(portcullis(["tools", "list", "--json"]).stdout) as Array<{ name: string; requiredScope: string }>;
  expect(tools.find((t) => t.name === tool)?.requiredScope).toBe(scope);
  const changes = JSON.parse(portcullis(["audit", "tail", "--kind", "policy.changed", "--limit", "5", "--json"]).stdout) as Array<{ reason: string; tool: string | null; actor: string }>;
  expect(changes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ reason: `tool ${tool} now requires ${scope} (was clients:read)`, tool, actor: `user:${admin.id}` }),
      expect.objectContaining({ reason: `scope ${scope} created` }),
    ]),
  );

  // Keyboard: arrow keys move the choice within a row, and the row's Save applies it.
  await page.getByTestId(`tool-row-${tool}`).getByRole("radio", { name: `${tool} requires ${scope}` }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByTestId(`tool-row-${tool}`).getByRole("button", { name: `Save required scope of ${tool}` })).toBeEnabled();
});
