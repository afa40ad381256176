import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { E2E_BASE_URL } from "./support/server";

const REDIRECT_URL = "http://127.0.0.1:3318/callback";

async function registerClient(name: string) {
  const response = await fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT_URL], grant_types: ["authorization_code", "refresh_token"], token_endpoint_auth_method: "none" }),
  });
  return ((await response.json()) as { client_id: string }).client_id;
}

function authorizeUrl(clientId: string, extra: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${E2E_BASE_URL}/oauth/authorize`);
  const params = {
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URL,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: "xyz",
    resource: `${E2E_BASE_URL}/mcp`,
    scope: "clients:read",
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

test("an unknown client and a foreign redirect URI are shown an error page, and nothing is sent to the redirect URI", async ({ page }) => {
  const clientId = await registerClient("Redirect victim");
  expect(portcullis(["clients", "approve", clientId, "--reason", "e2e"]).code).toBe(0);
  let leaked = false;
  await page.route("https://evil.example/**", (route) => {
    leaked = true;
    return route.abort();
  });

  const unknown = await page.goto(authorizeUrl("pcl_doesnotexist"));
  expect(unknown?.status()).toBe(400);
  await expect(page.getByTestId("oauth-error")).toHaveText("invalid_client");

  const foreign = await page.goto(authorizeUrl(clientId, { redirect_uri: "https://evil.example/callback" }));
  expect(foreign?.status()).toBe(400);
  await expect(page.getByText("The redirect_uri is not one this client registered.")).toBeVisible();
  await expect(page.getByTestId("oauth-error")).toHaveText("invalid_request");
  expect(leaked).toBe(false);
});

test("a user who denies consent sends the app access_denied; a suspended app is refused with a plain page", async ({ page }) => {
  const user = createUser(["reader"], "refusing-user");
  const clientId = await registerClient("Refused app");
  expect(portcullis(["clients", "approve", clientId, "--reason", "e2e"]).code).toBe(0);
  const callbacks: URL[] = [];
  await page.route(`${REDIRECT_URL}**`, (route) => {
    callbacks.push(new URL(route.request().url()));
    return route.fulfill({ status: 200, body: "callback" });
  });

  await page.goto(authorizeUrl(clientId));
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByText("callback")).toBeVisible();
  expect(Object.fromEntries(callbacks.at(-1)!.searchParams)).toMatchObject({ error: "access_denied", state: "xyz", iss: E2E_BASE_URL });
  expect(callbacks.at(-1)!.searchParams.get("code")).toBeNull();

  const suspended = portcullis(["clients", "suspend", clientId, "--reason", "e2e: incident"]);
  expect(suspended.code, suspended.stderr).toBe(0);
  // The CLI is another process: the server learns of the change from its change watcher, within about a second.
  const suspendedUrl = authorizeUrl(clientId);
  await expect.poll(async () => (await page.goto(suspendedUrl))?.status(), { timeout: 5_000 }).toBe(403);
  await expect(page.getByRole("heading", { name: "Refused app cannot be authorized" })).toBeVisible();
  await expect(page.getByText("Refused app has been suspended by an administrator")).toBeVisible();
  const events = JSON.parse(portcullis(["audit", "tail", "--kind", "client.suspended", "--json"]).stdout) as Array<{ clientId: string; reason: string }>;
  expect(events.find((e) => e.clientId === clientId)?.reason).toContain("e2e: incident");
});
