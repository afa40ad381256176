import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { buildReviewReport } from "@/lib/reviews/build-review-report";
import { closeDueReviewCampaigns, closeReviewCampaign } from "@/lib/reviews/close-review-campaign";
import { decideReviewItems } from "@/lib/reviews/decide-review-items";
import { loadReviewCampaign } from "@/lib/reviews/load-review-campaign";
import { reviewReportCsv, signReviewReport, verifyReviewReport } from "@/lib/reviews/review-report-formats";
import { startReviewCampaign } from "@/lib/reviews/start-review-campaign";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken, type IssuedTestToken } from "@/test/support/mcp";

const RESOURCE = "http://localhost:3999/mcp";
const DAY = 86_400_000;
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: { id: string; email: string };
let bob: { id: string; email: string };
let carol: { id: string; email: string };
let erin: { id: string; email: string };
let aliceToken: IssuedTestToken;
let bobToken: IssuedTestToken;

let rpcId = 0;
function callTool(token: string, name: string): Promise<Response> {
  return handleMcpRequest(
    new Request(RESOURCE, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name, arguments: {} } }),
    }),
  );
}

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  alice = await createUser({ email: "alice@example.test", name: "Alice", roles: ["editor"] }, CLI_CONTEXT);
  bob = await createUser({ email: "bob@example.test", name: "Bob", roles: ["editor"] }, CLI_CONTEXT);
  carol = await createUser({ email: "carol@example.test", name: "Carol", roles: ["access_reviewer"] }, CLI_CONTEXT);
  erin = await createUser({ email: "erin@example.test", name: "Erin", roles: ["developer"] }, CLI_CONTEXT);
  aliceToken = await issueTestToken({ userId: alice.id, scopes: ["account:read", "clients:read", "policy:read"], clientName: "Alice's agent" });
  bobToken = await issueTestToken({ userId: bob.id, scopes: ["account:read", "clients:read"], clientName: "Bob's agent" });
  // Evidence: alice uses whoami and list_clients (never policy:read); bob uses whoami.
  expect((await callTool(aliceToken.token, "whoami")).status).toBe(200);
  expect((await callTool(aliceToken.token, "list_clients")).status).toBe(200);
  expect((await callTool(bobToken.token, "whoami")).status).toBe(200);
});
afterAll(() => database.close());

const future = () => new Date(Date.now() + 7 * DAY);

describe("starting a campaign refuses what it cannot run, and leaves nothing behind", () => {
  it.each([
    [{ users: ["erin@example.test"], reviewerUsers: ["carol@example.test"] }, /covers no active grant/],
    [{ dueAt: new Date(Date.now() - DAY), reviewerUsers: ["carol@example.test"] }, /is in the past/],
    [{ reviewerUsers: ["erin@example.test"] }, /Reviewer erin@example\.test does not hold reviews:write/],
    [{ reviewerRoles: ["developer"] }, /Role developer does not grant reviews:write/],
    [{ reviewerRoles: ["nope"] }, /No role nope/],
    [{ reviewerUsers: [] }, /Assign at least one reviewer/],
    [{ users: ["alice@example.test"], reviewerUsers: ["alice@example.test"] }, /Reviewer alice@example\.test does not hold reviews:write/],
    [{ clients: ["no-such-client"], reviewerUsers: ["carol@example.test"] }, /No client no-such-client/],
    [{ scopes: ["nope:read"], reviewerUsers: ["carol@example.test"] }, /No scope nope:read/],
    [{ undecided: "maybe", reviewerUsers: ["carol@example.test"] }, /undecided items must be kept or revoked/],
  ] as [Record<string, unknown>, RegExp][])("%j", async (overrides, message) => {
    const events = (await listAuditEvents(db(), { kinds: ["review.started"] })).length;
    const input = { name: "Q4", dueAt: future(), undecided: "keep", ...overrides } as Parameters<typeof startReviewCampaign>[0];
    const error = await startReviewCampaign(input, CLI_CONTEXT).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(error?.code).toBe("invalid_input");
    expect(error!.message).toMatch(message);
    expect(await db().reviewCampaign.count()).toBe(0);
    expect(await listAuditEvents(db(), { kinds: ["review.started"] })).toHaveLength(events);
  });

  it("refuses a campaign whose only reviewer would review their own grant", async () => {
    const admin = await createUser({ email: "admin@example.test", name: "Admin", roles: ["iam_admin"] }, CLI_CONTEXT);
    await issueTestToken({ userId: admin.id, scopes: ["account:read"], clientName: "Admin's agent" });
    await expect(startReviewCampaign({ name: "self", dueAt: future(), undecided: "keep", users: ["admin@example.test"], reviewerUsers: ["admin@example.test"] }, CLI_CONTEXT)).rejects.toThrow(
      /Nobody reviews their own access: admin@example\.test's grants need a reviewer other than admin@example\.test/,
    );
    await db().grant.updateMany({ where: { userId: admin.id }, data: { revokedAt: new Date() } });
  });
});

describe("a campaign certifies grants with evidence, and its decisions take effect from the next call", () => {
  let campaignId: string;

  it("starts over the covered grants with evidence of use", async () => {
    const started = await startReviewCampaign({ name: "Q4 editors", dueAt: future(), undecided: "keep", roles: ["editor"], reviewerUsers: ["carol@example.test"] }, { actor: `user:${carol.id}` });
    campaignId = started.id;
    expect(started).toMatchObject({ items: 2, reviewers: 1 });
    const campaign = await loadReviewCampaign(campaignId);
    const aliceItem = campaign.items.find((i) => i.user.email === "alice@example.test")!;
    expect(aliceItem.evidence).toMatchObject({ unusedScopes: ["policy:read"], suggestedScopes: ["account:read", "clients:read"], suggestion: "downscope", roles: ["editor"] });
    expect(aliceItem.evidence.tools.map((t) => [t.tool, t.calls30, t.calls90])).toEqual([
      ["list_clients", 1, 1],
      ["whoami", 1, 1],
    ]);
    expect(aliceItem.evidence.reasonPaths).toContainEqual({ scope: "clients:read", path: "user alice@example.test → role editor → inherits reader → scope clients:read" });
    expect(aliceItem.evidence.clientHistory).toEqual([]);
    const [event] = await listAuditEvents(db(), { kinds: ["review.started"] });
    expect(event.detail).toMatchObject({ campaignId, items: 2, undecided: "keep" });
  });

  it("refuses a decision by someone who is not a reviewer of the campaign", async () => {
    const item = (await loadReviewCampaign(campaignId)).items[0];
    await expect(decideReviewItems({ campaignId, itemIds: [item.id], decision: "keep" }, { ctx: { actor: `user:${erin.id}` }, userId: erin.id })).rejects.toThrow(/You are not a reviewer of Q4 editors/);
  });

  it("downscopes alice's grant: her live token loses policy:read on its next call, keeps the rest", async () => {
    expect((await callTool(aliceToken.token, "list_roles")).status).toBe(200);
    const item = (await loadReviewCampaign(campaignId)).items.find((i) => i.user.id === alice.id)!;
    await decideReviewItems({ campaignId, itemIds: [item.id], decision: "downscope" }, { ctx: { actor: `user:${carol.id}` }, userId: carol.id });
    expect((await callTool(aliceToken.token, "list_roles")).status).toBe(403);
    expect((await callTool(aliceToken.token, "whoami")).status).toBe(200);
    const grant = await db().grant.findUniqueOrThrow({ where: { id: aliceToken.grantId } });
    expect(grant.scopes).toEqual(["account:read", "clients:read"]);
    const [event] = await listAuditEvents(db(), { kinds: ["review.decided"] });
    expect(event.detail).toMatchObject({ decision: "downscope", removedScopes: ["policy:read"], campaignId });
  });

  it("revokes bob's grant: his token is refused on its next call", async () => {
    const item = (await loadReviewCampaign(campaignId)).items.find((i) => i.user.id === bob.id)!;
    await decideReviewItems({ campaignId, itemIds: [item.id], decision: "revoke", note: "left the team" }, { ctx: { actor: `user:${carol.id}` }, userId: carol.id });
    expect((await callTool(bobToken.token, "whoami")).status).toBe(401);
    await expect(decideReviewItems({ campaignId, itemIds: [item.id], decision: "keep" }, { ctx: CLI_CONTEXT, userId: null })).rejects.toThrow(/already decided/);
  });

  it("reports decisions by reviewer, signed with the checkpoint key; a changed byte fails verification", async () => {
    await closeReviewCampaign(campaignId, CLI_CONTEXT);
    const report = await buildReviewReport(campaignId);
    expect(report.summary).toMatchObject({ items: 2, downscoped: 1, revoked: 1, kept: 0, undecided: 0 });
    expect(report.summary.byReviewer).toEqual([{ reviewer: "carol@example.test", decisions: 2, medianSecondsToDecide: expect.any(Number) }]);
    expect(reviewReportCsv(report).split("\r\n")[0]).toBe("item_id,grant_id,user,client,scopes_before,decision,scopes_after,decided_by,decided_at,seconds_to_decide,by_default,note");
    const signed = JSON.stringify(await signReviewReport(report));
    expect((await verifyReviewReport(signed)).campaign.id).toBe(campaignId);
    const jws = JSON.parse(signed) as { payload: string };
    const payload = Buffer.from(jws.payload, "base64url");
    payload[payload.indexOf("carol")] = "k".charCodeAt(0);
    const tampered = JSON.stringify({ ...jws, payload: payload.toString("base64url") });
    await expect(verifyReviewReport(tampered)).rejects.toThrow(/signature does not verify/);
  });
});

describe("the due date", () => {
  it("applies the campaign's setting to undecided items, once, from the sweeper", async () => {
    const token = await issueTestToken({ userId: alice.id, scopes: ["account:read"], clientName: "Alice's second agent" });
    const started = await startReviewCampaign({ name: "lapsing", dueAt: new Date(Date.now() + 60_000), undecided: "revoke", clients: [token.clientId], reviewerRoles: ["access_reviewer"] }, CLI_CONTEXT);
    expect(await closeDueReviewCampaigns(new Date())).toBe(0);
    expect(await closeDueReviewCampaigns(new Date(Date.now() + 120_000))).toBe(1);
    expect(await closeDueReviewCampaigns(new Date(Date.now() + 120_000))).toBe(0);
    expect((await callTool(token.token, "whoami")).status).toBe(401);
    const campaign = await loadReviewCampaign(started.id);
    expect(campaign.status).toBe("closed");
    expect(campaign.items[0]).toMatchObject({ decision: "revoke", decidedBy: "system" });
    const [closed] = await listAuditEvents(db(), { kinds: ["review.closed"] });
    expect(closed.detail).toMatchObject({ campaignId: started.id, trigger: "due", appliedByDefault: 1 });
    await expect(decideReviewItems({ campaignId: started.id, itemIds: [campaign.items[0].id], decision: "keep" }, { ctx: CLI_CONTEXT, userId: null })).rejects.toThrow(/is closed/);
  });
});

describe("the signed report verifies offline with the documented OpenSSL steps (docs/access-reviews.md)", () => {
  it("verifies, and fails after one changed byte", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { checkpointVerificationKey } = await import("@/lib/audit/checkpoint-signature");
    const campaign = await db().reviewCampaign.findFirstOrThrow({ where: { name: "Q4 editors" } });
    const dir = mkdtempSync(join(tmpdir(), "review-report-"));
    writeFileSync(join(dir, "portcullis-key.jwk"), JSON.stringify(checkpointVerificationKey()));
    const signed = JSON.stringify(await signReviewReport(await buildReviewReport(campaign.id)));
    const steps = `set -e
{ printf '302a300506032b6570032100'; jq -r '.x + "="' portcullis-key.jwk | tr '_-' '/+' | base64 -d | xxd -p -c 64; } \\
  | xxd -r -p | openssl pkey -pubin -inform DER -out portcullis-key.pem
jq -j '.protected + "." + .payload' q1.report.json > q1.signed-input
jq -r '.signature + "=="' q1.report.json | tr '_-' '/+' | base64 -d > q1.signature
openssl pkeyutl -verify -pubin -inkey portcullis-key.pem -rawin -in q1.signed-input -sigfile q1.signature
jq -r '.payload | gsub("-";"+") | gsub("_";"/") | @base64d' q1.report.json | jq -r .campaign.name`;
    writeFileSync(join(dir, "q1.report.json"), signed);
    expect(execFileSync("bash", ["-c", steps], { cwd: dir, encoding: "utf8" })).toBe("Signature Verified Successfully\nQ4 editors\n");
    const jws = JSON.parse(signed) as { payload: string };
    const payload = Buffer.from(jws.payload, "base64url");
    payload[payload.indexOf("downscope")] = "D".charCodeAt(0);
    writeFileSync(join(dir, "q1.report.json"), JSON.stringify({ ...jws, payload: payload.toString("base64url") }));
    const failure = (() => {
      try {
        execFileSync("bash", ["-c", steps], { cwd: dir, encoding: "utf8", stdio: "pipe" });
        return "verified";
      } catch (error) {
        const { stdout, stderr } = error as { stdout: string; stderr: string };
        return `${stdout}${stderr}`;
      }
    })();
    expect(failure).toMatch(/Signature Verification Failure/);
  });
});
