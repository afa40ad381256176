import { expect, test } from "@playwright/test";
import { startWorkosStandin, type WorkosStandin } from "../test/support/workos-standin";
import { createUser } from "./support/cli";
import { errorNotice, signIn, signOut } from "./support/console";
import { startExtraServer, type ExtraServer } from "./support/extra-server";
import { E2E_PORT } from "./support/server";

// Bridge mode: AuthKit runs OAuth for MCP clients and sends people to Portcullis (the Login URI) to sign in. A second
// Portcullis runs in bridge mode against the WorkOS stand-in; the browser plays the person.
let standin: WorkosStandin;
let server: ExtraServer;
let dev: { email: string; password: string; id: string };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  standin = await startWorkosStandin({ port: E2E_PORT + 2 });
  server = await startExtraServer(E2E_PORT + 1, {
    PORTCULLIS_ISSUER_MODE: "bridge",
    WORKOS_AUTHKIT_DOMAIN: standin.origin,
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
    WORKOS_API_TIMEOUT_MS: "2000",
  });
  standin.setLoginUri(`${server.baseUrl}/authkit/login`);
  server.createUser(["iam_admin"], "admin");
  dev = server.createUser(["developer"], "dev");
});

test.afterAll(async () => {
  await server?.stop();
  await standin?.close();
});

function auditKinds(kind: string): Array<{ actor: string; subject: string | null; reason: string; detail: Record<string, unknown> }> {
  const result = server.cli(["audit", "tail", "--kind", kind, "--limit", "50", "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

test("an MCP client's AuthKit sign-in runs through Portcullis: Login URI → sign in → confirm → back to AuthKit", async ({ page }) => {
  // The MCP client opens AuthKit's authorization URL; AuthKit sends the browser to the Login URI.
  await page.goto(`${standin.origin}/oauth2/authorize?client_id=client_01CLAUDE&redirect_uri=${encodeURIComponent("http://127.0.0.1:6274/callback")}`);
  await expect(page).toHaveURL(/\/login\?from=%2Fauthkit%2Fcontinue/);

  await page.getByLabel("Email").fill(dev.email);
  await page.getByLabel("Password").fill(dev.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/authkit\/continue\?external_auth_id=ext_auth_/);
  await expect(page.getByRole("heading", { name: "Connect your MCP client" })).toBeVisible();
  await expect(page.getByTestId("bridge-user")).toHaveText(dev.email);
  const externalAuthId = new URL(page.url()).searchParams.get("external_auth_id")!;

  await page.getByRole("button", { name: `Continue as ${dev.email}` }).click();
  // Back at AuthKit, which now knows the person by their Portcullis id.
  await expect(page).toHaveURL(`${standin.origin}/oauth2/authorize/resume?external_auth_id=${externalAuthId}`);
  await expect(page.getByTestId("authkit-resumed")).toHaveText(`Signed in as ${dev.email} (external id ${dev.id}) for client_01CLAUDE`);

  const completion = standin.requests.filter((r) => r.path === "/authkit/oauth2/complete").at(-1)!;
  expect(completion.body).toMatchObject({ external_auth_id: externalAuthId, user: { id: dev.id, email: dev.email } });

  // Each step is in the audit log: the arrival (before and after signing in), the sign-in, the completion.
  expect(auditKinds("bridge.started").map((e) => e.reason)).toContain("AuthKit sign-in started; Portcullis sign-in required");
  expect(auditKinds("admin.login").map((e) => e.subject)).toContain(dev.id);
  expect(auditKinds("bridge.completed")[0]).toMatchObject({
    actor: `user:${dev.id}`,
    subject: dev.id,
    reason: `user ${dev.email} signed in to AuthKit through Portcullis`,
    detail: { redirectOrigin: standin.origin },
  });
  expect(server.cli(["audit", "verify"]).code).toBe(0);
});

test("a signed-in person arriving at the Login URI goes straight to the confirm step", async ({ page }) => {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel("Email").fill(dev.email);
  await page.getByLabel("Password").fill(dev.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(dev.email);

  const externalAuthId = standin.startBridgeAuth({ clientId: "client_01CURSOR" });
  await page.goto(`${server.baseUrl}/authkit/login?external_auth_id=${externalAuthId}`);
  await expect(page).toHaveURL(`${server.baseUrl}/authkit/continue?external_auth_id=${externalAuthId}`);
  await page.getByRole("button", { name: `Continue as ${dev.email}` }).click();
  await expect(page.getByTestId("authkit-resumed")).toContainText("for client_01CURSOR");
  expect(auditKinds("bridge.started")[0]).toMatchObject({ actor: `user:${dev.id}`, reason: `AuthKit sign-in started for user ${dev.email}` });
});

test("a missing or malformed external_auth_id gets a clear 400 page, and is audited", async ({ page }) => {
  const missing = await page.goto(`${server.baseUrl}/authkit/login`);
  expect(missing?.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "This sign-in link is not valid" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveText("The sign-in link has no external_auth_id.");

  const malformed = await page.goto(`${server.baseUrl}/authkit/login?external_auth_id=${encodeURIComponent("<script>alert(1)</script>")}`);
  expect(malformed?.status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("The sign-in link's external_auth_id is malformed.");

  const tooLong = await page.goto(`${server.baseUrl}/authkit/login?external_auth_id=${"a".repeat(201)}`);
  expect(tooLong?.status()).toBe(400);

  expect(auditKinds("bridge.failed").map((e) => e.reason)).toContain(
    "Login URI called with a bad external_auth_id: The sign-in link's external_auth_id is malformed.",
  );
});

test("WorkOS refusing or failing the completion shows a clear page, never a 500", async ({ page }) => {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel("Email").fill(dev.email);
  await page.getByLabel("Password").fill(dev.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(dev.email);

  // An identifier AuthKit does not know (expired, or made up).
  await page.goto(`${server.baseUrl}/authkit/login?external_auth_id=ext_auth_01EXPIRED`);
  await page.getByRole("button", { name: `Continue as ${dev.email}` }).click();
  await expect(errorNotice(page)).toHaveText("AuthKit does not know this sign-in request, or it has expired. Start again from your MCP client.");

  // WorkOS down: the SDK retries once, then the person is told to try again.
  const externalAuthId = standin.startBridgeAuth();
  standin.failNext("/authkit/oauth2/complete", { status: 503, times: 2 });
  await page.goto(`${server.baseUrl}/authkit/login?external_auth_id=${externalAuthId}`);
  await page.getByRole("button", { name: `Continue as ${dev.email}` }).click();
  await expect(errorNotice(page)).toHaveText("AuthKit could not be reached to complete the sign-in. Try again in a moment.");
  await expect(page).toHaveURL(/\/authkit\/continue/);

  // Once WorkOS answers again, the same page completes.
  await page.getByRole("button", { name: `Continue as ${dev.email}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${standin.origin}/oauth2/authorize/resume`));

  const failures = auditKinds("bridge.failed").map((e) => e.reason);
  expect(failures).toContain("WorkOS refused the request with status 404 (external_auth_not_found): External auth not found");
  expect(failures).toContain("WorkOS failed with status 503");
});

test("in builtin mode (the shared server) there is no Login URI, no WorkOS sign-in and no WorkOS page in the nav", async ({ page, request }) => {
  const response = await request.get("/authkit/login?external_auth_id=ext_auth_01ANY");
  expect(response.status()).toBe(404);
  expect(await response.text()).toContain("Portcullis is not set up as AuthKit&#39;s Login URI");
  expect((await request.get("/auth/workos/start", { maxRedirects: 0 })).status()).toBe(404);

  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users", exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "WorkOS", exact: true })).toHaveCount(0);
  await signOut(page);
  await expect(page.getByRole("link", { name: "Sign in with WorkOS" })).toHaveCount(0);
});
