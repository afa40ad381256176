import { expect, test } from "@playwright/test";
import { portcullis } from "./support/cli";
import { errorNotice, navigate, signIn, signOut } from "./support/console";
import { saveAfterPreview } from "./support/impact";

const admin = { name: "Ada Admin", email: "ada@example.test", password: "correct-horse-battery" };
const newcomer = { name: "Nia Newcomer", email: "nia@example.test", password: "nia-initial-password" };

test.describe.configure({ mode: "serial" });

test("an empty Portcullis sends every visitor to first-run setup", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Portcullis" })).toBeVisible();
});

test("setup refuses mismatched and short passwords without creating anyone", async ({ page }) => {
  await page.goto("/setup");
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill("something-else-entirely");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(errorNotice(page)).toHaveText("The two passwords do not match.");
  await expect(page).toHaveURL(/\/setup$/);
  // What was typed is kept, so only the mistake needs fixing.
  await expect(page.getByLabel("Your name")).toHaveValue(admin.name);
  await expect(page.getByLabel("Email")).toHaveValue(admin.email);
  expect(portcullis(["users", "list", "--json"]).stdout.trim()).toBe("[]");
});

test("first-run setup → sign in → create a user → assign a role → sign out", async ({ page }) => {
  await page.goto("/setup");
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill(admin.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page).toHaveURL(/\/login\?setup=done/);
  await expect(page.getByText("Your admin account is ready")).toBeVisible();

  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole("heading", { name: `Welcome, ${admin.name}` })).toBeVisible();
  await expect(page.getByTestId("dashboard-counts")).toContainText("Users1");

  await navigate(page, "Users");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("Name").fill(newcomer.name);
  await form.getByLabel("Email").fill(newcomer.email);
  await form.getByLabel("Initial password").fill(newcomer.password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText(`Created ${newcomer.email}.`)).toBeVisible();
  await expect(page.getByTestId(`user-row-${newcomer.email}`)).toContainText("none");

  await page.getByRole("link", { name: newcomer.name }).click();
  await page.getByLabel("Role to assign").selectOption("editor");
  await page.getByRole("button", { name: "Assign role" }).click();
  await saveAfterPreview(page.getByRole("form", { name: "Assign role" }));
  await expect(page.getByText("Role editor assigned.")).toBeVisible();
  const scopes = page.getByTestId("effective-scopes");
  await expect(scopes).toContainText("user nia@example.test → role editor → inherits reader → scope clients:read");
  await expect(scopes).toContainText("user nia@example.test → role editor → scope clients:write");

  await signOut(page);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login/);

  // The newcomer signs in with the role the admin gave them.
  await signIn(page, newcomer.email, newcomer.password);
  await expect(page.getByText("Roles: editor")).toBeVisible();
});

test("setup is gone once an admin exists", async ({ page }) => {
  const response = await page.goto("/setup");
  expect(response?.status()).toBe(404);
});

test("a wrong password gets one generic message and is audited", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(errorNotice(page)).toHaveText("Email or password is incorrect.");
  await page.getByLabel("Email").fill("nobody@example.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(errorNotice(page)).toHaveText("Email or password is incorrect.");
  const verify = portcullis(["audit", "verify", "--json"]);
  expect(verify.code).toBe(0);
  expect(JSON.parse(verify.stdout).ok).toBe(true);
});
