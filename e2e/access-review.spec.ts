import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { callToolOverHttp } from "./support/mcp";
import { mintToken } from "./support/tokens";

const run = Date.now().toString(36).slice(-5);

test("a reviewer runs a campaign, downscopes one grant and revokes another; the clients lose exactly that access; the signed report verifies and fails after a byte changes", async ({ page }) => {
  const reviewer = createUser(["access_reviewer"], "reviewer");
  const alice = createUser(["editor"], "alice");
  const bob = createUser(["editor"], "bob");
  const aliceAgent = mintToken({ user: alice.email, scopes: ["account:read", "clients:read", "policy:read"], clientName: `Alice agent ${run}` });
  const bobAgent = mintToken({ user: bob.email, scopes: ["account:read", "clients:read"], clientName: `Bob agent ${run}` });
  // Evidence: alice uses whoami and list_clients, never a policy:read tool.
  expect((await callToolOverHttp(aliceAgent.token, "whoami")).status).toBe(200);
  expect((await callToolOverHttp(aliceAgent.token, "list_clients")).status).toBe(200);
  expect((await callToolOverHttp(bobAgent.token, "whoami")).status).toBe(200);

  await signIn(page, reviewer.email, reviewer.password);
  await navigate(page, "Access reviews");
  const start = page.getByRole("form", { name: "Start an access review" });
  await start.getByLabel("Name").fill(`Editors ${run}`);
  await start.getByLabel("Due (UTC)").fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16));
  await start.getByLabel("Reviewers (people)").fill(reviewer.email);
  await start.getByLabel("Only these users").fill(`${alice.email}, ${bob.email}`);
  await start.getByRole("button", { name: "Start the review" }).click();
  await expect(page.getByRole("heading", { name: `Editors ${run}`, level: 1 })).toBeVisible();
  const campaignId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByTestId("undecided-setting")).toHaveText("keep");

  const aliceItem = page.locator(`[data-user="${alice.email}"]`);
  await expect(aliceItem).toContainText("suggested downscope (unused: policy:read)");
  await aliceItem.getByRole("button", { name: "Downscope to account:read clients:read" }).click();
  await expect(aliceItem.getByTestId("decision")).toContainText("downscope → account:read clients:read");
  const bobItem = page.locator(`[data-user="${bob.email}"]`);
  await bobItem.getByRole("button", { name: "Revoke" }).click();
  await expect(bobItem.getByTestId("decision")).toContainText("revoke");

  await expect(page.getByTestId("review-report")).toContainText("2 item(s): 0 kept, 1 downscoped, 1 revoked, 0 undecided.");
  await expect(page.getByTestId("review-report")).toContainText(`Revoked ${bob.email} via Bob agent ${run}: account:read clients:read → nothing by ${reviewer.email}`);

  // Exactly that access is gone from the next call.
  expect((await callToolOverHttp(aliceAgent.token, "list_roles")).status).toBe(403);
  expect((await callToolOverHttp(aliceAgent.token, "whoami")).status).toBe(200);
  expect((await callToolOverHttp(aliceAgent.token, "list_clients")).status).toBe(200);
  expect((await callToolOverHttp(bobAgent.token, "whoami")).status).toBe(401);

  // The signed report verifies with the documented command, and not after one byte changes.
  const report = await page.request.get(`/reviews/${campaignId}/report?format=signed`);
  expect(report.status()).toBe(200);
  const dir = mkdtempSync(join(tmpdir(), "e2e-review-"));
  const file = join(dir, "report.json");
  writeFileSync(file, await report.text());
  const verified = portcullis(["reviews", "verify-report", file]);
  expect(verified.code).toBe(0);
  expect(verified.stdout).toContain(`Signature valid: access review "Editors ${run}"`);
  expect(verified.stdout).toContain("2 item(s): 0 kept, 1 downscoped, 1 revoked, 0 undecided");
  const jws = JSON.parse(readFileSync(file, "utf8")) as { payload: string };
  const payload = Buffer.from(jws.payload, "base64url");
  payload[payload.indexOf("revoke")] = "R".charCodeAt(0);
  writeFileSync(file, JSON.stringify({ ...jws, payload: payload.toString("base64url") }));
  const forged = portcullis(["reviews", "verify-report", file]);
  expect(forged.code).toBe(1);
  expect(forged.stderr).toContain("INVALID: The report's signature does not verify");
});
