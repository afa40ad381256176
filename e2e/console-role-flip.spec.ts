import { SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { callToolOverHttp, mcpClient } from "./support/mcp";
import { snap } from "./support/screenshot";
import { mintToken } from "./support/tokens";
import { saveAfterPreview } from "./support/impact";

const run = Date.now().toString(36).slice(-5);
const agents = `agents_${run}`;
const policyReaders = `policy_readers_${run}`;

test("an admin builds a role hierarchy in the console and the same token's next tool call flips from denied to allowed", async ({ page }) => {
  const made = portcullis(["roles", "create", agents, "--scope", "account:read", "--description", "MCP agents"]);
  expect(made.code, made.stderr).toBe(0);
  const admin = createUser(["iam_admin"], "admin");
  const dev = createUser([agents], "agent-owner");
  // The token carries policy:read; the user's roles do not grant it (yet).
  const { token } = mintToken({ user: dev.email, scopes: ["account:read", "policy:read"], clientName: `Role flip agent ${run}` });
  // A fresh SDK session per phase (an idle keep-alive connection held across the console steps may be closed by the
  // server); the token is the same throughout.
  const before = await mcpClient(token);
  const denied = await before.callTool({ name: "list_roles", arguments: {} }).catch((e: unknown) => e);
  await before.close();
  expect(denied).toBeInstanceOf(SdkHttpError);
  expect((denied as SdkHttpError).status).toBe(403);
  const raw = await callToolOverHttp(token, "list_roles");
  expect(raw.status).toBe(403);
  expect(await raw.json()).toMatchObject({ error: { message: `Forbidden: denied: user ${dev.email} has no role granting policy:read` } });

  // The admin makes a role granting policy:read and puts it above the user's role.
  await signIn(page, admin.email, admin.password);
  await navigate(page, "Roles");
  const create = page.getByRole("form", { name: "Create role" });
  await create.getByLabel("Role name").fill(policyReaders);
  await create.getByLabel("Description").fill("May read roles and tools");
  await create.getByRole("checkbox", { name: /^policy:read/ }).check();
  await create.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByText(`Created role ${policyReaders}.`)).toBeVisible();
  await page.goto(`/roles/${agents}`);
  await page.getByLabel("Inherit from").selectOption(policyReaders);
  await page.getByRole("button", { name: "Add parent" }).click();
  await saveAfterPreview(page.getByRole("form", { name: "Add parent role" }));
  await expect(page.getByText(`${agents} now inherits ${policyReaders}.`)).toBeVisible();
  await expect(page.locator(`[data-edge="${agents}->${policyReaders}"]`)).toHaveCount(1);
  await expect(page.getByTestId("role-effective-scopes").locator('[data-scope="policy:read"] [data-testid="reason-path"]')).toHaveAttribute(
    "title",
    `role ${agents} → inherits ${policyReaders} → scope policy:read`,
  );
  await snap(page, "hierarchy-built");

  // The very same token, the very next call: allowed, through the inherited scope.
  const after = await mcpClient(token);
  const allowed = await after.callTool({ name: "list_roles", arguments: {} });
  expect(allowed.isError).toBeFalsy();
  const roles = (allowed.structuredContent as { roles: Array<{ name: string; parents: string[] }> }).roles;
  expect(roles.find((r) => r.name === agents)?.parents).toEqual([policyReaders]);
  await after.close();

  // Both decisions are in the audit log with their reason paths.
  await navigate(page, "Audit log");
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  await filters.getByLabel("User").fill(dev.email);
  await filters.getByLabel("Tool").fill("list_roles");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const rows = page.locator('[data-testid^="audit-row-"]');
  await expect(rows.filter({ hasText: "decision.allow" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "decision.deny" })).not.toHaveCount(0);
  await expect(rows.filter({ hasText: "decision.allow" })).toContainText(`inherits ${policyReaders}`);
  await snap(page, "flip-in-audit");
});
