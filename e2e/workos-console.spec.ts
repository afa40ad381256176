import { expect, test, type Page } from "@playwright/test";
import { startWorkosStandin, type WorkosStandin } from "../test/support/workos-standin";
import { errorNotice, navigate } from "./support/console";
import { startExtraServer, type ExtraServer } from "./support/extra-server";
import { E2E_PORT } from "./support/server";

// The console of a Portcullis that governs AuthKit-issued tokens (authkit mode), with "Sign in with WorkOS" on.
let standin: WorkosStandin;
let server: ExtraServer;
let admin: { email: string; password: string; id: string };
let reviewer: { email: string; password: string; id: string };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  standin = await startWorkosStandin({ port: E2E_PORT + 2 });
  server = await startExtraServer(E2E_PORT + 1, {
    PORTCULLIS_ISSUER_MODE: "authkit",
    WORKOS_AUTHKIT_DOMAIN: standin.origin,
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
    WORKOS_CLIENT_ID: standin.clientId,
    WORKOS_CONSOLE_SIGN_IN: "true",
    WORKOS_API_TIMEOUT_MS: "2000",
  });
  admin = server.createUser(["iam_admin"], "admin");
  reviewer = server.createUser(["access_reviewer"], "reviewer");
});

test.afterAll(async () => {
  await server?.stop();
  await standin?.close();
});

/** Password sign-in on this server (the shared helpers use the shared server's base URL). */
async function signInHere(page: Page, user: { email: string; password: string }) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(user.email);
}

async function signInWithWorkos(page: Page, email: string) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByRole("link", { name: "Sign in with WorkOS" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to AuthKit (stand-in)" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("sign in with WorkOS: an admin's account is never linked by its email, only by an admin's explicit link", async ({ page }) => {
  // Even at a domain listed for automatic linking: an iam_admin's identity is linked only by hand.
  server.cli(["authkit", "link-domains", "--domain", admin.email.split("@")[1]]);
  await signInWithWorkos(page, admin.email);
  await expect(page).toHaveURL(`${server.baseUrl}/login?workos=no_account`);
  const refused = JSON.parse(server.cli(["audit", "tail", "--kind", "user.link_refused", "--json"]).stdout) as Array<{ reason: string }>;
  expect(refused[0].reason).toMatch(/the account holds iam_admin or a write scope, so only an admin may link it$/);

  const workosId = [...standin.users.values()].find((u) => u.email === admin.email)!.id;
  // Asynchronously: the command asks the WorkOS stand-in, which this test process serves, who the WorkOS user is.
  const linked = await server.cliAsync(["users", "link-workos", "--email", admin.email, "--workos-id", workosId]);
  expect({ code: linked.code, stderr: linked.stderr }).toEqual({ code: 0, stderr: "" });
  expect(linked.stdout).toContain(`${admin.email} is now linked to WorkOS user ${workosId}.`);
  await signInWithWorkos(page, admin.email);
  await expect(page).toHaveURL(`${server.baseUrl}/`);
  await expect(page.getByTestId("current-user")).toHaveText(admin.email);
  const events = JSON.parse(server.cli(["audit", "tail", "--kind", "admin.login", "--json"]).stdout) as Array<{ reason: string }>;
  expect(events[0].reason).toBe(`user ${admin.email} signed in with WorkOS`);
  const links = JSON.parse(server.cli(["audit", "tail", "--kind", "user.linked", "--json"]).stdout) as Array<{ reason: string }>;
  expect(links[0].reason).toBe(`user ${admin.email} linked to WorkOS user ${workosId} (admin)`);
});

test("sign in with WorkOS returns to the page that asked for it", async ({ page }) => {
  await page.goto(`${server.baseUrl}/workos`);
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${server.baseUrl}/login?from=%2Fworkos`);
  await page.getByRole("link", { name: "Sign in with WorkOS" }).click();
  await page.getByLabel("Email").fill(admin.email);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/workos`);
});

test("a WorkOS identity without a Portcullis account is refused, with a clear message; passwords still work", async ({ page }) => {
  await signInWithWorkos(page, "stranger@example.test");
  await expect(page).toHaveURL(`${server.baseUrl}/login?workos=no_account`);
  await expect(errorNotice(page)).toHaveText("There is no Portcullis account linked to your WorkOS identity. Ask an administrator to add you, or to link your account.");
  const users = JSON.parse(server.cli(["users", "list", "--json"]).stdout) as Array<{ email: string }>;
  expect(users.map((u) => u.email)).not.toContain("stranger@example.test");

  await page.getByLabel("Email").fill(reviewer.email);
  await page.getByLabel("Password").fill(reviewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(reviewer.email);
});

test("a forged callback (no sign-in started in this browser) is refused", async ({ page }) => {
  await page.goto(`${server.baseUrl}/auth/workos/callback?code=forged&state=forged`);
  await expect(page).toHaveURL(`${server.baseUrl}/login?workos=expired`);
  await expect(errorNotice(page)).toHaveText("That sign-in attempt expired or did not start here. Try again.");
});

test("an admin maps a WorkOS role to a local role and revokes a client on the WorkOS page; a reviewer only reads", async ({ page, browser }) => {
  await signInHere(page, admin);
  await navigate(page, "WorkOS");
  await expect(page.getByTestId("workos-issuer")).toContainText("authkit");
  await expect(page.getByTestId("workos-issuer")).toContainText(standin.origin);
  await expect(page.getByTestId("workos-issuer")).toContainText(`${server.baseUrl}/mcp`);

  const form = page.getByRole("form", { name: "Add role mapping" });
  await form.getByLabel("WorkOS name").fill("admin");
  await form.getByLabel("Local role").selectOption("editor");
  await form.getByRole("button", { name: "Add mapping" }).click();
  await expect(page.getByText("workos role admin now maps to role editor.")).toBeVisible();
  await expect(page.getByTestId("mapping-role-admin-editor")).toBeVisible();

  // Twice is a clear conflict, not an error page.
  await form.getByLabel("WorkOS name").fill("admin");
  await form.getByLabel("Local role").selectOption("editor");
  await form.getByRole("button", { name: "Add mapping" }).click();
  await expect(errorNotice(page)).toHaveText("workos role admin already maps to role editor");

  page.on("dialog", (dialog) => void dialog.accept());
  const revoke = page.getByRole("form", { name: "Revoke AuthKit access" });
  await revoke.getByLabel("Revoke").selectOption("client");
  await revoke.getByLabel("Token jti, client id or user").fill("client_01ROGUE");
  await revoke.getByLabel("Reason").fill("unknown vendor");
  await revoke.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("Revoked AuthKit client client_01ROGUE.")).toBeVisible();
  await expect(page.getByTestId("revocation-client-client_01ROGUE")).toContainText("unknown vendor");
  const revocations = JSON.parse(server.cli(["authkit", "revocations", "list", "--json"]).stdout) as Array<{ kind: string; value: string }>;
  expect(revocations).toContainEqual(expect.objectContaining({ kind: "client", value: "client_01ROGUE" }));

  const reviewerPage = await (await browser.newContext()).newPage();
  await signInHere(reviewerPage, reviewer);
  await reviewerPage.goto(`${server.baseUrl}/workos`);
  await expect(reviewerPage.getByTestId("mapping-role-admin-editor")).toBeVisible();
  await expect(reviewerPage.getByRole("form", { name: "Add role mapping" })).toHaveCount(0);
  await expect(reviewerPage.getByRole("button", { name: /Remove mapping/ })).toHaveCount(0);
  await expect(reviewerPage.getByText("You can read mappings but not change them.")).toBeVisible();
  await expect(reviewerPage.getByText("You can read the deny-list but not change it.")).toBeVisible();
});
