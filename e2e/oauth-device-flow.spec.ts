import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { E2E_BASE_URL } from "./support/server";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

async function post(path: string, body: Record<string, string>) {
  const response = await fetch(`${E2E_BASE_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

test("a command-line agent gets a token through the device flow: the user enters the code, consents, the agent's polling succeeds", async ({ page }) => {
  const user = createUser(["reader"], "device-user");
  const registered = await fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: "portcullis-agent CLI", grant_types: [DEVICE_GRANT, "refresh_token"], token_endpoint_auth_method: "none" }),
  });
  expect(registered.status).toBe(201);
  const clientId = ((await registered.json()) as { client_id: string }).client_id;
  expect(portcullis(["clients", "approve", clientId, "--reason", "e2e device client"]).code).toBe(0);

  const started = await post("/oauth/device_authorization", { client_id: clientId, scope: "clients:read policy:read" });
  expect(started.status).toBe(200);
  const { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri, interval } = started.body;
  let lastPoll = Date.now();
  expect(await post("/oauth/token", { grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode })).toMatchObject({
    status: 400,
    body: { error: "authorization_pending" },
  });

  // The person opens the verification page, signs in, and types the code as they read it.
  await page.goto(verificationUri);
  await expect(page).toHaveURL(/\/login\?from=/);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Connect a device" })).toBeVisible();
  await page.getByRole("textbox", { name: "Code" }).fill(userCode.replace("-", " ").toLowerCase());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Allow portcullis-agent CLI to use Portcullis?" })).toBeVisible();
  await expect(page.getByTestId("device-user-code")).toHaveText(userCode);
  await page.getByRole("checkbox", { name: "policy:read" }).uncheck();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("Device connected.")).toBeVisible();

  // The agent polls no faster than the interval it was given (RFC 8628 §3.5).
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastPoll + interval * 1000 + 200 - Date.now())));
  lastPoll = Date.now();
  const tokens = await post("/oauth/token", { grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode });
  expect(tokens).toMatchObject({ status: 200, body: { token_type: "Bearer", scope: "clients:read" } });
  expect(tokens.body.refresh_token).toBeTruthy();

  // A second request, denied this time from the link with the code filled in.
  const second = await post("/oauth/device_authorization", { client_id: clientId });
  await page.goto(second.body.verification_uri_complete);
  await expect(page.getByTestId("device-user-code")).toHaveText(second.body.user_code);
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByText("Access denied.")).toBeVisible();
  expect(await post("/oauth/token", { grant_type: DEVICE_GRANT, client_id: clientId, device_code: second.body.device_code })).toMatchObject({
    status: 400,
    body: { error: "access_denied" },
  });
});
