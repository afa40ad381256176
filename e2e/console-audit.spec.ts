import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { createUser, portcullis, recordEvents } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { snap } from "./support/screenshot";

const run = Date.now().toString(36).slice(-5);
const client = `e2e-client-${run}`;
const otherClient = `e2e-other-${run}`;

/** Parses our CSV (RFC 4180 quoting) into records keyed by the header. */
function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++;
    else field += c;
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

async function download(page: Page, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  return readFileSync((await file.path())!, "utf8");
}

test("a reviewer filters the audit log, opens an event, exports exactly the filtered events and verifies the chain", async ({ page }) => {
  const reviewer = createUser(["access_reviewer"], "reviewer");
  const dev = createUser(["developer"], "dev");
  // Tool-call decisions as the MCP endpoint records them, through the same hash-chained writer.
  const decision = (allow: boolean, tool: string, clientId: string) => ({
    kind: allow ? "decision.allow" : "decision.deny",
    actor: `user:${dev.id}`,
    subject: dev.id,
    clientId,
    tool,
    scopes: ["account:read"],
    decision: allow ? "allow" : "deny",
    reason: allow
      ? `user ${dev.email} → role developer → scope account:read → tool ${tool}`
      : `user ${dev.email} → denied: user ${dev.email} has no role granting clients:write`,
    requestId: `req-${run}-${tool}`,
    ip: "127.0.0.1",
  });
  recordEvents([
    decision(true, "whoami", client),
    decision(false, "approve_client", client),
    decision(false, "approve_client", client),
    decision(false, "revoke_grant", otherClient),
    decision(true, "whoami", otherClient),
    // A value a spreadsheet would run: the export must defuse it.
    { ...decision(false, "=HYPERLINK(\"http://evil.example\")", client), requestId: "=1+1" },
  ]);

  await signIn(page, reviewer.email, reviewer.password);
  // The dashboard says what needs attention: who was denied most in the last day, each linking to its filtered view;
  // the denied count links to the denials, not to the whole log; the decisions chart has its axes.
  const attention = page.getByTestId("needs-attention");
  await expect(attention.locator('[data-kind="denied_user"]').first()).toBeVisible();
  await expect(attention.locator('[data-kind="denied_client"]').first()).toBeVisible();
  await expect(page.getByRole("link", { name: /Denied calls \(24 h\)/ })).toHaveAttribute("href", /^\/audit\?decision=deny&from=\d{4}-\d{2}-\d{2}T\d{2}(%3A|:)\d{2}$/);
  await expect(page.getByTestId("decisions-chart").locator("svg text").first()).toBeVisible();
  await snap(page, "dashboard-needs-attention");
  await attention.locator('[data-kind="denied_user"]').first().getByRole("link").click();
  await expect(page).toHaveURL(/\/audit\?decision=deny&user=.+&from=/);
  for (const row of await page.locator('[data-testid^="audit-row-"]').all()) await expect(row).toContainText("deny");
  await navigate(page, "Audit log");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await expect(page.getByTestId("decisions-chart")).toBeVisible();
  await expect(page.getByRole("list", { name: "Most denied tools" })).toContainText("approve_client");

  // Filter: this client's denials.
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  await filters.getByLabel("Decision").selectOption("deny");
  await filters.getByLabel("Client").fill(client);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`decision=deny.*client=${client}|client=${client}.*decision=deny`));
  const rows = page.locator('[data-testid^="audit-row-"]');
  await expect(rows).toHaveCount(3);
  for (const row of await rows.all()) {
    await expect(row).toContainText("deny");
    await expect(row).toContainText(client);
    await expect(row).toContainText(dev.email);
  }
  // Actor and user are the same person here: named once. The reason is whole and on screen, its failed check included.
  const firstRow = rows.first();
  await expect(firstRow.getByTestId("audit-who")).toHaveText(dev.email);
  const reason = firstRow.getByTestId("audit-reason");
  await expect(reason).toHaveText(`user ${dev.email} → denied: user ${dev.email} has no role granting clients:write`);
  const clipped = await reason.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
  expect(clipped).toBe(false);
  const reasonBox = (await reason.boundingBox())!;
  expect(reasonBox.x + reasonBox.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  // The decisions-over-time chart sits above the table.
  const chartBox = (await page.getByTestId("audit-decisions").boundingBox())!;
  expect(chartBox.y).toBeLessThan((await firstRow.boundingBox())!.y);
  await snap(page, "audit-filtered");

  // The detail drawer: the full event and its reason path; Escape closes it and keeps the filters.
  const first = rows.first();
  const seq = (await first.getAttribute("data-testid"))!.replace("audit-row-", "");
  await first.getByRole("link", { name: `Event ${seq} details` }).click();
  const drawer = page.getByRole("dialog", { name: `Event #${seq}` });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId("reason-path")).toHaveAttribute("title", /^user .* → denied: /);
  await expect(drawer).toContainText("Previous hash");
  await snap(page, "audit-drawer");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/event=/);
  await expect(rows).toHaveCount(3);

  // Export, both formats: exactly the three filtered events, oldest first.
  const shown = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")!.replace("audit-row-", "")))).reverse();
  const csv = parseCsv(await download(page, "Export CSV"));
  expect(csv.map((r) => r.seq)).toEqual(shown);
  expect(csv.every((r) => r.decision === "deny" && r.client_id === client && r.subject === dev.id)).toBe(true);
  const evil = csv.find((r) => r.tool.includes("HYPERLINK"))!;
  expect(evil.tool).toBe("'=HYPERLINK(\"http://evil.example\")");
  expect(evil.request_id).toBe("'=1+1");
  const jsonl = (await download(page, "Export JSON Lines")).trimEnd().split("\n").map((line) => JSON.parse(line));
  expect(jsonl.map((e) => e.seq)).toEqual(shown);
  expect(jsonl.find((e) => e.tool.includes("HYPERLINK")).tool).toBe('=HYPERLINK("http://evil.example")');

  // A time range in the future holds nothing; the range is kept in the URL.
  await filters.getByLabel("From (UTC)").fill("2099-01-01T00:00:00");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No event matches these filters.")).toBeVisible();

  // Verify the chain: every event, including those just written.
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText(/^Chain intact(: all [\d,]+ events verified, up to #\d+| up to #\d+: [\d,]+ event\(s\) since signed checkpoint #\d+ recomputed, and every checkpoint holds)\.$/)).toBeVisible({ timeout: 30_000 });
  await snap(page, "audit-verified");

  const verified = JSON.parse(portcullis(["audit", "tail", "--kind", "audit.verified", "--limit", "1", "--json"]).stdout)[0];
  expect(verified).toMatchObject({ actor: `user:${reviewer.id}`, detail: { ok: true } });
  const exported = JSON.parse(portcullis(["audit", "tail", "--kind", "audit.exported", "--limit", "2", "--json"]).stdout) as Array<{ reason: string }>;
  expect(exported.map((e) => e.reason)).toEqual([
    `audit log exported as JSON Lines (decision=deny&client=${client})`,
    `audit log exported as CSV (decision=deny&client=${client})`,
  ]);
});

test("the export refuses bad filters and people without audit:read", async ({ page, request }) => {
  const dev = createUser(["developer"], "dev");
  await signIn(page, dev.email, dev.password);
  const forbidden = await page.request.get("/audit/export?format=csv");
  expect(forbidden.status()).toBe(403);
  expect(await forbidden.text()).toBe("You need the audit:read scope to export the audit log.\n");
  await page.goto("/audit");
  await expect(page.getByText("You need the audit:read scope to read the audit log.")).toBeVisible();

  const reviewer = createUser(["access_reviewer"], "reviewer");
  await page.context().clearCookies();
  await signIn(page, reviewer.email, reviewer.password);
  const badFormat = await page.request.get("/audit/export?format=xlsx");
  expect(badFormat.status()).toBe(400);
  expect(await badFormat.text()).toBe("format must be csv or jsonl\n");
  const badRange = await page.request.get("/audit/export?format=csv&from=2026-02-01&to=2026-01-01");
  expect(badRange.status()).toBe(400);
  expect(await badRange.text()).toBe("to: the end of the time range must be after its start\n");
  await page.goto("/audit?decision=perhaps");
  await expect(page.getByRole("alert").filter({ hasText: "These filters cannot be used" })).toContainText("decision:");

  // Without a session: sent to sign in, nothing exported.
  const anonymous = await request.get("/audit/export?format=csv", { maxRedirects: 0 });
  expect([303, 307]).toContain(anonymous.status());
  expect(anonymous.headers().location).toContain("/login");
});
