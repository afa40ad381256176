import { expect, test } from "@playwright/test";
import { startOwnUpstream } from "../test/support/upstreams";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn, signOut } from "./support/console";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";
import { mintToken } from "./support/tokens";

const run = Date.now().toString(36).slice(-5);
const name = `gw-${run}`;
const role = `gw_user_${run}`;

test("an admin puts an MCP server behind Portcullis and accepts its tool, a developer connects, a reviewer sees the call", async ({ page }) => {
  const upstream = await startOwnUpstream(4539);
  try {
    const admin = createUser(["iam_admin"], "admin");
    await signIn(page, admin.email, admin.password);
    await navigate(page, "Servers");
    const form = page.getByRole("form", { name: "Add server" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Streamable HTTP URL").fill(upstream.url);
    await form.getByRole("button", { name: "Add server" }).click();
    await expect(page.getByText(`Added ${name} at ${E2E_BASE_URL}/mcp/${name}`)).toBeVisible();

    // Every tool is held until reviewed: the diff shows the whole new definition.
    const held = page.getByTestId(`held-${name}`);
    await expect(held).toContainText("greet");
    await expect(held.getByTestId("definition-diff").first()).toBeVisible();
    await snap(page, "gateway-held-tools");
    await held.getByRole("form", { name: `Accept greet on ${name}` }).getByRole("button").click();
    // Accepted: the tool leaves the held list (and the form that sent it with it) and reads as accepted.
    await expect(page.getByTestId(`tool-${name}.greet`)).toContainText("accepted");
    await expect(held.getByRole("form", { name: `Accept greet on ${name}` })).toHaveCount(0);

    // The admin maps the server's scope to a role (the CLI), and the matrix shows the tool under its server.
    expect(portcullis(["roles", "create", role, "--scope", `server:${name}`]).code).toBe(0);
    await navigate(page, "Scopes & tools");
    await expect(page.getByTestId(`tool-group-${name}`)).toContainText(`${name}.greet`);
    await signOut(page);

    // A developer holding the role finds the server's configuration on the Connect page.
    const developer = createUser([role, "developer"], "dev");
    await signIn(page, developer.email, developer.password);
    await navigate(page, "Connect");
    const endpoint = page.getByTestId(`gateway-endpoint-${name}`);
    await expect(endpoint).toContainText(`${E2E_BASE_URL}/mcp/${name}`);
    await expect(endpoint).toContainText(`claude mcp add --transport http ${name} ${E2E_BASE_URL}/mcp/${name}`);
    await snap(page, "gateway-connect");

    // Their client calls the tool through Portcullis.
    const { token } = mintToken({ user: developer.email, scopes: [`server:${name}`], resource: `${E2E_BASE_URL}/mcp/${name}` });
    const answer = await fetch(`${E2E_BASE_URL}/mcp/${name}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "greet", arguments: { name: "Reviewer" } } }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(await answer.json())).toContain("Hello, Reviewer!");
    await signOut(page);

    // A reviewer sees the decision with its reason path in the audit log.
    const reviewer = createUser(["access_reviewer"], "reviewer");
    await signIn(page, reviewer.email, reviewer.password);
    await page.goto(`/audit?tool=${encodeURIComponent(`${name}.greet`)}`);
    await expect(page.getByText(`role ${role} → scope server:${name} → tool ${name}.greet`).first()).toBeVisible();
    await snap(page, "gateway-audit");
  } finally {
    await upstream.stop();
  }
});
