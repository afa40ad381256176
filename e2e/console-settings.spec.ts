import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";

const run = Date.now().toString(36).slice(-5);
const blocked = `blocked-${run}.example`;

const register = (redirect: string) =>
  fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: `Policy probe ${run}`, redirect_uris: [redirect], token_endpoint_auth_method: "none" }),
  });

const jwksKids = async () => ((await (await fetch(`${E2E_BASE_URL}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

test("an admin denies a redirect host in the registration policy and the next registration on it is refused", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await navigate(page, "Settings");
  const form = page.getByRole("form", { name: "Registration policy" });
  const denied = form.getByLabel("Denied redirect hosts");
  const before = await denied.inputValue();
  await denied.fill([before, blocked].filter(Boolean).join("\n"));
  await form.getByRole("button", { name: "Save registration policy" }).click();
  await expect(form.getByText("Registration policy saved. It applies to the next registration.")).toBeVisible();
  await snap(page, "policy-saved");

  try {
    const refused = await register(`https://app.${blocked}/callback`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: "invalid_redirect_uri",
      error_description: `redirect_uri "https://app.${blocked}/callback" is on app.${blocked}, which the registration policy denies.`,
    });
    // Other hosts still register.
    expect((await register(`https://app.allowed-${run}.example/callback`)).status).toBe(201);

    const change = JSON.parse(portcullis(["audit", "tail", "--kind", "settings.changed", "--limit", "1", "--json"]).stdout)[0];
    expect(change).toMatchObject({ actor: `user:${admin.id}`, reason: "registration policy changed" });
    expect(change.detail.value.redirectUris.deniedHosts).toContain(blocked);

    // A bad entry is named, and nothing is saved.
    await denied.fill(`${blocked}\nbad_host!`);
    await form.getByRole("button", { name: "Save registration policy" }).click();
    await expect(form.getByRole("alert")).toHaveText("Denied redirect hosts: must be a host name (bad_host!).");
  } finally {
    // Other journeys share this server: put the policy back as it was.
    await page.goto("/settings");
    await form.getByLabel("Denied redirect hosts").fill(before);
    await form.getByRole("button", { name: "Save registration policy" }).click();
    await expect(form.getByText("Registration policy saved. It applies to the next registration.")).toBeVisible();
  }
});

test("an admin rotates the signing key; both keys are published and the old one is shown as retired until its tokens expire", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await page.goto("/settings");
  const keys = page.getByTestId("signing-keys");
  const previous = (await keys.locator('tr[data-state="active"]').getAttribute("data-kid"))!;
  expect(await jwksKids()).toContain(previous);

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Rotate signing key" }).click();
  await expect(page.getByText(new RegExp(`^New signing key \\S+\\. ${previous} stays published until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`))).toBeVisible();
  const current = (await keys.locator('tr[data-state="active"]').getAttribute("data-kid"))!;
  expect(current).not.toBe(previous);
  await expect(keys.locator(`tr[data-kid="${previous}"]`)).toHaveAttribute("data-state", "published");
  await snap(page, "keys-rotated");

  const published = await jwksKids();
  expect(published).toEqual(expect.arrayContaining([current, previous]));
  const rotated = JSON.parse(portcullis(["audit", "tail", "--kind", "key.rotated", "--limit", "1", "--json"]).stdout)[0];
  expect(rotated).toMatchObject({ actor: `user:${admin.id}`, detail: { kid: current, retired: [previous] } });
});

test("token lifetimes are bounded, and a change is audited", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  await signIn(page, admin.email, admin.password);
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Token lifetimes" });
  const access = form.getByLabel("Access-token lifetime (seconds)");
  const refresh = form.getByLabel("Refresh-token lifetime (seconds)");
  const [accessBefore, refreshBefore] = [await access.inputValue(), await refresh.inputValue()];
  try {
    // A refresh token that dies before the access token it renews is refused, with the reason.
    await access.fill("7200");
    await refresh.fill("3600");
    await form.getByRole("button", { name: "Save lifetimes" }).click();
    await expect(form.getByRole("alert")).toHaveText("A refresh token must outlive the access tokens it renews.");
    await access.fill("900");
    await refresh.fill(refreshBefore);
    await form.getByRole("button", { name: "Save lifetimes" }).click();
    await expect(form.getByText(`Token lifetimes saved: access 900 s, refresh ${refreshBefore} s, from the next token issued.`)).toBeVisible();
    await expect(page.getByTestId("access-lifetime")).toHaveText("15 minutes");
    const change = JSON.parse(portcullis(["audit", "tail", "--kind", "settings.changed", "--limit", "1", "--json"]).stdout)[0];
    expect(change).toMatchObject({ actor: `user:${admin.id}`, detail: { key: "token_lifetimes", value: { accessTokenSeconds: 900 } } });
  } finally {
    await page.goto("/settings");
    await form.getByLabel("Access-token lifetime (seconds)").fill(accessBefore);
    await form.getByLabel("Refresh-token lifetime (seconds)").fill(refreshBefore);
    await form.getByRole("button", { name: "Save lifetimes" }).click();
    await expect(form.getByText(/^Token lifetimes saved/)).toBeVisible();
  }
});
