import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";

const run = Date.now().toString(36).slice(-5);

async function clientCredentialsToken(clientId: string, secret: string): Promise<Response> {
  return fetch(`${E2E_BASE_URL}/oauth/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "clients:read audit:read" }),
  });
}

test("an admin approves a client that registered itself, binds it to a service identity, and finds its first token in the audit log", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  const service = `nightly-${run}@svc.example`;
  const created = portcullis(["users", "create", "--email", service, "--service", "--role", "access_reviewer", "--json"]);
  expect(created.code, created.stderr).toBe(0);

  // The client registers itself (RFC 7591), as a build agent would.
  const name = `Nightly build ${run}`;
  const registered = await fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: name, grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", scope: "clients:read audit:read" }),
  });
  expect(registered.status).toBe(201);
  const { client_id: clientId, client_secret: secret } = (await registered.json()) as { client_id: string; client_secret: string };

  // Pending: no token yet.
  const early = await clientCredentialsToken(clientId, secret);
  expect(early.status).toBe(400);
  expect(await early.json()).toEqual({ error: "unauthorized_client", error_description: "This client is waiting for an administrator's approval." });

  // The review queue lists it, with its evidence one click away.
  await signIn(page, admin.email, admin.password);
  await navigate(page, "Clients");
  const queue = page.getByTestId("review-queue");
  await expect(queue.getByTestId(`client-row-${clientId}`)).toContainText(name);
  await expect(queue.getByTestId(`client-row-${clientId}`)).toContainText("pending");
  await snap(page, "review-queue");
  await queue.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId("client-id")).toHaveText(clientId);
  await expect(page.getByTestId("client-registration")).toContainText("client_secret_basic");
  await expect(page.getByTestId("scope-comparison").locator('[data-scope="audit:read"]')).toContainText("✓");
  await expect(page.getByTestId("status-history")).toContainText("client.registered");

  // Approving a client_credentials client needs a service identity; the reason is required.
  const approve = page.getByRole("form", { name: "Approve client" });
  await expect(approve.getByRole("checkbox", { name: /^clients:read/ })).toBeChecked();
  await expect(approve.getByRole("checkbox", { name: /^clients:write/ })).not.toBeChecked();
  await approve.getByLabel("Acts as service identity").selectOption({ label: service });
  await expect(approve.locator("[data-required-mark]")).toHaveCount(1);
  await approve.getByLabel("Reason").fill("e2e: our nightly build");
  await snap(page, "approve-form");
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("client-outcome")).toHaveText(`${name}: Approved. It can obtain tokens now.`);
  await expect(page.getByRole("form", { name: "Approve client" })).toHaveCount(0);
  await expect(page.getByTestId("client-status")).toContainText("active");
  await expect(page.getByTestId("status-history")).toContainText(`by ${admin.email}`);
  // People are named by email, never as user:<uuid>.
  await expect(page.getByTestId("client-registration")).toContainText(admin.email);
  await expect(page.getByTestId("client-registration")).not.toContainText("user:");

  // Its first token.
  const issued = await clientCredentialsToken(clientId, secret);
  expect(issued.status).toBe(200);
  const token = (await issued.json()) as { access_token: string; scope: string; expires_in: number };
  expect(token.scope).toBe("clients:read audit:read");

  // …is in the audit log, found by filtering on the client and the event kind.
  await navigate(page, "Audit log");
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  await filters.getByLabel("Event").selectOption("token.issued");
  await filters.getByLabel("Client").fill(clientId);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const rows = page.locator('[data-testid^="audit-row-"]');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("token.issued");
  await expect(rows.first()).toContainText(name);
  const seq = (await rows.first().getAttribute("data-testid"))!.replace("audit-row-", "");
  await rows.first().getByRole("link", { name: `Event ${seq} details` }).click();
  const drawer = page.getByRole("dialog", { name: `Event #${seq}` });
  await expect(drawer).toContainText(`access token issued to ${name} as service identity ${service} (client_credentials)`);
  await snap(page, "first-token-in-audit");

  // An unknown client id is a real 404, not a "not found" page answered with 200.
  const missing = await page.request.get("/clients/pcl_no_such_client");
  expect(missing.status()).toBe(404);

  // And on the client's page: one token issued, its grant live.
  await page.goto(`/clients/${clientId}`);
  await expect(page.getByTestId("client-usage")).toContainText("1 (1 live)");
  await expect(page.getByTestId("client-usage")).toContainText("1 live of 1");
});

test("the review queue approves several clients at once and reports those that need a decision of their own", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  const register = async (body: Record<string, unknown>) => {
    const response = await fetch(`${E2E_BASE_URL}/oauth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { client_id: string }).client_id;
  };
  const desktop = await register({ client_name: `Desktop ${run}`, redirect_uris: ["http://127.0.0.1:4000/cb"], token_endpoint_auth_method: "none" });
  const web = await register({ client_name: `Web ${run}`, redirect_uris: ["https://app.example.com/cb"], token_endpoint_auth_method: "none" });
  const machine = await register({ client_name: `Machine ${run}`, grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });

  await signIn(page, admin.email, admin.password);
  await page.goto("/clients");
  const queue = page.getByTestId("review-queue");
  for (const name of [`Desktop ${run}`, `Web ${run}`, `Machine ${run}`]) await queue.getByRole("checkbox", { name: `Select ${name}` }).check();
  page.once("dialog", (dialog) => void dialog.accept());
  const bulk = page.getByRole("form", { name: "Approve selected clients" });
  await bulk.getByLabel("Reason for approving the selected clients").fill("e2e: batch review");
  await bulk.getByRole("button", { name: "Approve selected" }).click();
  await expect(bulk.getByRole("alert")).toContainText(`Approved Desktop ${run}, Web ${run}.`);
  await expect(bulk.getByRole("alert")).toContainText(`Machine ${run}: This client uses client_credentials: bind it to a service identity (--service-user).`);
  await snap(page, "bulk-approve");

  // One CLI run for all three (each run starts the CLI afresh, which is slow on a busy machine).
  const all = JSON.parse(portcullis(["clients", "list", "--json"]).stdout) as Array<{ id: string; status: string }>;
  const status = (id: string) => all.find((c) => c.id === id)?.status;
  expect([status(desktop), status(web), status(machine)]).toEqual(["active", "active", "pending"]);
  await expect(queue.getByTestId(`client-row-${machine}`)).toBeVisible();
  await expect(queue.getByTestId(`client-row-${web}`)).toHaveCount(0);
});

test("look-alike clients are flagged in the queue, rated once, named in the bulk confirmation and compared side by side", async ({ page }) => {
  const admin = createUser(["iam_admin"], "admin");
  const register = async (body: Record<string, unknown>) => {
    const response = await fetch(`${E2E_BASE_URL}/oauth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { client_id: string }).client_id;
  };
  // Two "Cursor"s: the real desktop app on loopback, and one that adds a web host and asks to write.
  const name = `Cursor ${run}`;
  const evilHost = `collect-${run}.evil.example`;
  const real = await register({ client_name: name, redirect_uris: ["http://127.0.0.1:33418/callback"], token_endpoint_auth_method: "none", scope: "clients:read" });
  const fake = await register({
    client_name: name,
    redirect_uris: ["http://127.0.0.1:33418/callback", `https://${evilHost}/cb`],
    token_endpoint_auth_method: "none",
    scope: "clients:read clients:write",
  });

  await signIn(page, admin.email, admin.password);
  await page.goto("/clients");
  const queue = page.getByTestId("review-queue");
  const realRow = queue.getByTestId(`client-row-${real}`);
  const fakeRow = queue.getByTestId(`client-row-${fake}`);
  await expect(realRow.getByTestId("look-alike-badge")).toHaveText("look-alike ×1");
  await expect(fakeRow.getByTestId("look-alike-badge")).toHaveText("look-alike ×1");
  await expect(fakeRow.getByTestId("redirect-hosts")).toContainText(evilHost);
  await expect(fakeRow.getByTestId("redirect-hosts")).toContainText("loopback");
  await expect(realRow.getByTestId("redirect-hosts")).toHaveText("loopback");
  await expect(fakeRow.getByTestId("risk-rating")).toHaveAttribute("data-rating", "high");
  const queueRating = { real: await realRow.getByTestId("risk-rating").innerText(), fake: await fakeRow.getByTestId("risk-rating").innerText() };
  expect(queueRating.fake).toMatch(/^High risk/);
  await snap(page, "review-queue-look-alikes");

  // Bulk approval names the look-alikes and the riskier client before anything happens; declining approves nothing.
  await queue.getByRole("checkbox", { name: `Select ${name}` }).first().check();
  await queue.getByRole("checkbox", { name: `Select ${name}` }).last().check();
  const bulk = page.getByRole("form", { name: "Approve selected clients" });
  await bulk.getByLabel(/Reason for approving the selected clients/).fill("e2e: looks fine");
  let question = "";
  page.once("dialog", (dialog) => {
    question = dialog.message();
    void dialog.dismiss();
  });
  await bulk.getByRole("button", { name: "Approve selected" }).click();
  await expect.poll(() => question).not.toBe("");
  expect(question).toContain("Look-alikes");
  expect(question).toContain(`${name} (${real}) looks like ${name}`);
  expect(question).toContain(`${name} (${fake}) looks like ${name}`);
  expect(question).toContain(`Higher risk:`);
  expect(question).toContain(`${name} (${fake}): High risk: loopback redirect mixed with web host ${evilHost}`);
  const listed = JSON.parse(portcullis(["clients", "list", "--status", "pending", "--json"]).stdout) as Array<{ id: string }>;
  expect(listed.map((c) => c.id)).toEqual(expect.arrayContaining([real, fake]));

  // The client page: the same rating as the queue, a one-line summary on top, and the look-alikes side by side.
  await fakeRow.getByRole("link", { name }).click();
  await expect(page.getByTestId("client-id")).toHaveText(fake);
  await expect(page.getByTestId("client-status").getByTestId("risk-rating")).toHaveText(queueRating.fake.split(" · ")[0]);
  await expect(page.getByTestId("risk-summary")).toHaveText(
    `High risk: loopback redirect mixed with web host ${evilHost}; asks for write scopes (clients:write); 1 look-alike registration; plain http on loopback.`,
  );
  const comparison = page.getByTestId("look-alike-comparison");
  await expect(comparison.locator(`th[data-client="${fake}"]`)).toContainText("(this client)");
  await expect(comparison.locator(`th[data-client="${real}"]`)).toBeVisible();
  const hostsRow = comparison.locator('tr[data-row="Redirect hosts"]');
  await expect(hostsRow.locator("td").first()).toHaveText(`${evilHost}, loopback`);
  await expect(hostsRow.locator("td").nth(1)).toHaveText("loopback");
  await expect(hostsRow.locator("td").nth(1)).toHaveAttribute("data-differs", "true");
  await expect(comparison.locator('tr[data-row="Requested scopes"] td').nth(1)).toHaveText("clients:read");
  await expect(comparison.locator('tr[data-row="Registered from"]')).toBeVisible();
  await expect(comparison.locator('tr[data-row="Metadata document host"]')).toBeVisible();
  await snap(page, "look-alikes-side-by-side");
  await page.goto(`/clients/${real}`);
  await expect(page.getByTestId("client-status").getByTestId("risk-rating")).toHaveText(queueRating.real.split(" · ")[0]);

  // The dashboard lists both under "needs attention", each linking to its client.
  await page.goto("/");
  const attention = page.getByTestId("needs-attention");
  await expect(attention.locator(`a[href="/clients/${encodeURIComponent(fake)}"]`)).toContainText(`${name} awaits approval and looks like 1 other registration`);
  await expect(attention.locator(`a[href="/clients/${encodeURIComponent(real)}"]`)).toBeVisible();
  await snap(page, "dashboard-look-alikes");
});
