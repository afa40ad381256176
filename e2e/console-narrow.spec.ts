import { expect, test } from "@playwright/test";
import { createUser } from "./support/cli";
import { signIn } from "./support/console";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";
import { mintToken } from "./support/tokens";

const run = Date.now().toString(36).slice(-5);

test("clients, tokens, settings and connect work on a narrow window and by keyboard", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  mintToken({ user: admin.email, scopes: ["account:read"], clientName: `Narrow agent ${run}` });
  const name = `Narrow client ${run}`;
  const registered = await fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: ["https://narrow.example.com/cb"], token_endpoint_auth_method: "none" }),
  });
  const clientId = ((await registered.json()) as { client_id: string }).client_id;

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin.email, admin.password);
  for (const path of ["/clients", `/clients/${clientId}`, "/tokens", "/settings", "/connect"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    // Nothing wider than the window: wide tables scroll inside their cards.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
    await snap(page, `narrow${path.replace(/\//g, "-")}`);
  }

  // The Connect page presents how clients register, the primary path first (MCP 2026-07-28: metadata documents; Dynamic
  // Client Registration deprecated, still served).
  await page.goto("/connect");
  const cimd = page.getByTestId("registration-cimd");
  const dcr = page.getByTestId("registration-dcr");
  await expect(cimd).toContainText("Client ID Metadata Document — recommended");
  await expect(dcr).toContainText("Dynamic Client Registration — legacy");
  await expect(dcr).toContainText(`${E2E_BASE_URL}/oauth/register`);
  // Streamed content is first delivered hidden and revealed a moment later: measure once both are on screen, in one pass.
  await expect(cimd).toBeVisible();
  await expect(dcr).toBeVisible();
  const tops = await page.evaluate(() =>
    ["registration-cimd", "registration-dcr"].map((id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().top ?? null),
  );
  expect(tops[0], "the metadata-document path is shown").not.toBeNull();
  expect(tops[0]!).toBeLessThan(tops[1]!);
  // A menu drawer instead of a scrolling strip: every area is there, on screen, once opened.
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "true");
  for (const label of ["Dashboard", "Clients", "Roles", "Scopes & tools", "Users", "Tokens & grants", "Audit log", "Connect", "Settings", "Your account"]) {
    const link = nav.getByRole("link", { name: label, exact: true });
    await expect(link).toBeInViewport();
  }
  await snap(page, "narrow-menu");
  await nav.getByRole("link", { name: "Tokens & grants", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Tokens & grants", level: 1 })).toBeVisible();
  await expect(nav).toBeHidden();

  // The review queue as cards, not a table wider than the phone.
  await page.goto("/clients");
  const queue = page.getByTestId("review-queue");
  await expect(queue.getByTestId(`client-card-${clientId}`)).toBeVisible();
  await expect(queue.getByTestId(`client-card-${clientId}`).getByTestId("redirect-hosts")).toHaveText("narrow.example.com");
  await expect(queue.getByTestId(`client-row-${clientId}`)).toBeHidden();
  await expect(queue.getByRole("checkbox", { name: `Select ${name}` })).toBeVisible();
  await snap(page, "narrow-review-queue-cards");

  // Settings explains WorkOS and links to its page.
  await page.goto("/settings");
  const workos = page.getByTestId("workos-sso");
  await expect(workos).toContainText("PORTCULLIS_ISSUER_MODE=bridge");
  await expect(workos.getByRole("link", { name: /The WorkOS page/ })).toHaveAttribute("href", "/workos");

  // By keyboard: search, then open the client from the table.
  await page.goto("/clients");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Search").focus();
  await page.keyboard.type(run);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`q=${run}`));
  const link = page.getByTestId("clients-table").getByRole("link", { name });
  await link.focus();
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
});
