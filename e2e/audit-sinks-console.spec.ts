import { createServer } from "node:http";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { errorNotice, signIn } from "./support/console";

const run = Date.now().toString(36).slice(-5);
// A local webhook receiver on a port of this suite's own range.
const RECEIVER_PORT = Number(process.env.PORTCULLIS_E2E_SINK_PORT ?? 5382);

test("an admin adds a webhook sink with a write-only token in the console, tests it, and removes it after confirming; a reviewer may only look", async ({ browser }) => {
  // Two people signing in, a delivery and a test round-trip: more than the default minute on a loaded machine.
  test.setTimeout(180_000);
  const seen: Array<{ authorization?: string; body: string }> = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ authorization: req.headers.authorization, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve));
  const token = `sink-token-${run}-do-not-show`;
  const name = `siem-${run}`;
  try {
    const admin = createUser(["iam_admin"], "admin");
    const page = await (await browser.newContext()).newPage();
    await signIn(page, admin.email, admin.password);
    await page.goto("/audit/sinks");
    const form = page.getByRole("form", { name: "Add audit sink" });

    // Refused as the CLI refuses: not https outside localhost; a private address without the allowance.
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Endpoint").fill("http://siem.example.com/ingest");
    await form.getByRole("button", { name: "Add sink" }).click();
    await expect(errorNotice(page)).toContainText("endpoint must use https");
    await form.getByLabel("Endpoint").fill(`http://127.0.0.1:${RECEIVER_PORT}/ingest`);
    await form.getByRole("button", { name: "Add sink" }).click();
    await expect(errorNotice(page)).toContainText("private address");

    await form.getByLabel("Bearer token (optional)").fill(token);
    await form.getByLabel("Start from").selectOption("now");
    await form.getByLabel("Allow private addresses").check();
    await form.getByRole("button", { name: "Add sink" }).click();
    await expect(page.getByText(`Added ${name}`)).toBeVisible();
    const row = page.locator(`[data-sink="${name}"]`);
    await expect(row).toContainText("secrets sealed");
    expect(await page.content()).not.toContain(token);

    await row.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(new RegExp(`${name} accepted event \\d+`))).toBeVisible();
    expect(seen.some((s) => s.authorization === `Bearer ${token}`)).toBe(true);

    // A reviewer sees the health, not the controls.
    const reviewer = createUser(["access_reviewer"], "reviewer");
    const look = await (await browser.newContext()).newPage();
    await signIn(look, reviewer.email, reviewer.password);
    await look.goto("/audit/sinks");
    await expect(look.locator(`[data-sink="${name}"]`)).toBeVisible();
    await expect(look.getByRole("form", { name: "Add audit sink" })).toHaveCount(0);
    await expect(look.getByRole("button", { name: "Remove" })).toHaveCount(0);

    // Removal asks first: dismissed, nothing happens; accepted, the sink goes.
    page.once("dialog", (dialog) => dialog.dismiss());
    await row.getByRole("button", { name: "Remove" }).click();
    await expect(row).toBeVisible();
    page.once("dialog", (dialog) => {
      expect(dialog.message()).toContain(`Remove the audit sink ${name}?`);
      void dialog.accept();
    });
    await row.getByRole("button", { name: "Remove" }).click();
    // The row (and the form that would show the outcome) goes with the sink.
    await expect(page.locator(`[data-sink="${name}"]`)).toHaveCount(0);
    expect(portcullis(["sinks", "list", "--json"]).stdout).not.toContain(name);
  } finally {
    // Whatever happened above, no sink is left delivering to a receiver that is gone.
    portcullis(["sinks", "remove", name]);
    receiver.close();
  }
});
