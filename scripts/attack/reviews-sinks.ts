import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { decideReviewItems } from "@/lib/reviews/decide-review-items";
import { buildReviewReport } from "@/lib/reviews/build-review-report";
import { signReviewReport, verifyReviewReport } from "@/lib/reviews/review-report-formats";
import { startReviewCampaign } from "@/lib/reviews/start-review-campaign";
import { addAuditSink } from "@/lib/sinks/add-audit-sink";
import type { SinkInput } from "@/lib/sinks/sink-input";
import { actionId } from "./console";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import type { Browser, Reply } from "./http";

/**
 * A server action called the way the console's JavaScript calls it: React's reply encoding puts the FormData
 * argument's fields under `_1_` (form-field prefix, "_", part id, "_") and the argument list in field `0`.
 */
function callAction(browser: Browser, path: string, name: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Reply> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) form.append(`_1_${k}`, value);
  form.set("0", JSON.stringify([null, "$K1"]));
  return browser.request(path, { method: "POST", body: form, headers: { "next-action": actionId(name), accept: "text/x-component", origin: browser.base, ...headers } });
}

const future = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16);

/**
 * Access reviews and the audit stream: reviews started or decided by someone without reviews:write, reviewers who
 * could not act, self-review, campaigns over nothing or due in the past, cross-site decisions, report forgery; sinks
 * pointed at clear-text or private targets, and secrets leaking onto the health page. Every case checks that nothing
 * was created or changed.
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  const campaigns = () => db().reviewCampaign.count();
  const sinks = () => db().auditSink.count();
  const refusedStart = async (browser: Browser, fields: Record<string, string>, code: string, message: RegExp) => {
    const before = await campaigns();
    const reply = await callAction(browser, "/reviews", "startReviewAction", { name: "attack", dueAt: future(), undecided: "keep", reviewerRoles: "access_reviewer", ...fields });
    demand(reply.status === 200 && reply.text.includes(`"code":"${code}"`) && message.test(reply.text), `expected ${code} ${message}, got ${reply}`);
    demand((await campaigns()) === before, "a campaign was created");
  };
  /** A campaign over the developer's grants, reviewed by the reviewer; started through lib as an admin would. */
  let campaign: Promise<{ id: string; itemId: string }> | undefined;
  const developerCampaign = () =>
    (campaign ??= (async () => {
      await fx.freshTokens("account:read");
      const started = await startReviewCampaign({ name: "attack campaign", dueAt: new Date(Date.now() + 86_400_000), undecided: "keep", users: [fx.users.developer.email], reviewerUsers: [fx.users.reviewer.email] }, CLI_CONTEXT);
      const item = await db().reviewItem.findFirstOrThrow({ where: { campaignId: started.id } });
      return { id: started.id, itemId: item.id };
    })());
  const undecided = async (itemId: string) => (await db().reviewItem.findUniqueOrThrow({ where: { id: itemId } })).decision === null;
  const refusedSink = async (input: SinkInput, message: RegExp) => {
    const before = await sinks();
    const error = await addAuditSink(input, CLI_CONTEXT).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    demand(error?.code === "invalid_input" && message.test(error.message), `expected invalid_input ${message}, got ${error ? `${error.code}: ${error.message}` : "the sink was added"}`);
    demand((await sinks()) === before, "a sink was created");
  };

  return {
    name: "Reviews and sinks",
    cases: [
      attack("developer (no reviews:write) starts a campaign", "forbidden, nothing created", () => refusedStart(fx.developer, {}, "forbidden", /reviews:write/)),
      attack("reviewer starts a campaign due in the past", "invalid_input, nothing created", () => refusedStart(fx.reviewer, { dueAt: "2020-01-01T00:00" }, "invalid_input", /in the past/)),
      attack("reviewer starts a campaign over nothing (a user with no grants)", "invalid_input, nothing created", () => refusedStart(fx.reviewer, { users: fx.users.admin.email }, "invalid_input", /covers no active grant/)),
      attack("reviewer assigns a reviewer without reviews:write", "invalid_input, nothing created", async () => {
        await developerCampaign();
        await refusedStart(fx.reviewer, { users: fx.users.developer.email, reviewerRoles: "", reviewerUsers: fx.users.developer.email }, "invalid_input", /does not hold reviews:write/);
      }),
      attack("reviewer assigns a role that does not grant reviews:write", "invalid_input, nothing created", async () => {
        await developerCampaign();
        await refusedStart(fx.reviewer, { users: fx.users.developer.email, reviewerRoles: "developer" }, "invalid_input", /does not grant reviews:write/);
      }),
      attack("developer decides an item of a campaign (keeps their own grant)", "forbidden, item undecided", async () => {
        const { id, itemId } = await developerCampaign();
        const reply = await callAction(fx.developer, `/reviews/${id}`, "decideReviewAction", { campaignId: id, itemId, decision: "keep" });
        demand(reply.text.includes('"code":"forbidden"'), `expected forbidden, got ${reply}`);
        demand(await undecided(itemId), "the item was decided");
      }),
      attack("admin not assigned to the campaign decides an item", "forbidden (not a reviewer), item undecided", async () => {
        const { id, itemId } = await developerCampaign();
        const reply = await callAction(fx.admin, `/reviews/${id}`, "decideReviewAction", { campaignId: id, itemId, decision: "revoke" });
        demand(reply.text.includes('"code":"forbidden"') && reply.text.includes("not a reviewer"), `expected forbidden (not a reviewer), got ${reply}`);
        demand(await undecided(itemId), "the item was decided");
      }),
      attack("reviewer decides their own grant (through lib, as the console would)", "forbidden: nobody reviews their own access", async () => {
        const { id, itemId } = await developerCampaign();
        const developer = fx.users.developer.id;
        await db().reviewCampaign.update({ where: { id }, data: { reviewerUserIds: { push: developer } } });
        try {
          const error = await decideReviewItems({ campaignId: id, itemIds: [itemId], decision: "keep" }, { ctx: { actor: `user:${developer}` }, userId: developer }).then(() => null, (e: Error) => e);
          demand(error && /Nobody reviews their own access/.test(error.message), `expected a refusal, got ${error?.message ?? "the decision"}`);
          demand(await undecided(itemId), "the item was decided");
        } finally {
          await db().reviewCampaign.update({ where: { id }, data: { reviewerUserIds: [fx.users.reviewer.id] } });
        }
      }),
      attack("cross-site form decides an item with the reviewer's cookies", "403 cross_site_request, item undecided", async () => {
        const { id, itemId } = await developerCampaign();
        const reply = await callAction(fx.reviewer, `/reviews/${id}`, "decideReviewAction", { campaignId: id, itemId, decision: "revoke" }, { origin: "https://evil.example" });
        demand(reply.status === 403, `expected 403, got ${reply}`);
        demand(await undecided(itemId), "the item was decided");
      }),
      attack("downscope that adds a scope the grant does not hold", "invalid_input, grant unchanged", async () => {
        const { id, itemId } = await developerCampaign();
        const reply = await callAction(fx.reviewer, `/reviews/${id}`, "decideReviewAction", { campaignId: id, itemId, decision: "downscope", scope: ["account:read", "settings:write"] });
        demand(reply.text.includes('"code":"invalid_input"') && reply.text.includes("cannot add scopes"), `expected invalid_input, got ${reply}`);
        demand(await undecided(itemId), "the item was decided");
      }),
      attack("developer downloads a campaign's report", "403, no report", async () => {
        const { id } = await developerCampaign();
        const reply = await fx.developer.get(`/reviews/${id}/report?format=signed`);
        demand(reply.status === 403 && !reply.text.includes("payload"), `expected 403, got ${reply}`);
      }),
      attack("forged signed report (one byte of the payload changed)", "verification refuses it", async () => {
        const { id } = await developerCampaign();
        const jws = await signReviewReport(await buildReviewReport(id));
        const payload = Buffer.from(jws.payload, "base64url");
        payload[payload.indexOf("keep")] = "K".charCodeAt(0);
        const error = await verifyReviewReport(JSON.stringify({ ...jws, payload: payload.toString("base64url") })).then(() => null, (e: Error) => e);
        demand(error && /does not verify/.test(error.message), "the forged report verified");
      }),
      attack("sink webhook over plain http to a public host", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "webhook", endpoint: "http://siem.example.com/in" }, /must use https/)),
      attack("sink at the cloud metadata service 169.254.169.254", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "webhook", endpoint: "https://169.254.169.254/latest" }, /private address/)),
      attack("sink at a private address 10.0.0.1 without the allowance", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "otlp", endpoint: "https://10.0.0.1/v1/logs" }, /private address/)),
      attack("sink at localhost by name without the allowance", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "webhook", endpoint: `https://localhost:${fx.port}/in` }, /resolves to a private address/)),
      attack("sink at IPv4-mapped IPv6 loopback", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "webhook", endpoint: `https://[::ffff:127.0.0.1]:${fx.port}/in` }, /private address/)),
      attack("syslog sink in clear text to a public host", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "syslog", endpoint: "tcp://siem.example.com:514" }, /clear-text/)),
      attack("sink URL carrying credentials", "invalid_input, nothing created", () => refusedSink({ name: "a", kind: "webhook", endpoint: "https://user:secret@siem.example.com/in" }, /user name or password/)),
      attack("sink token shown on the audit sinks page", "the page never shows a sealed secret", async () => {
        const token = `attack-token-${Date.now()}`;
        await addAuditSink({ name: `secret-${Date.now()}`, kind: "webhook", endpoint: "http://127.0.0.1:9/in", allowPrivate: true, token }, CLI_CONTEXT);
        const reply = await fx.reviewer.get("/audit/sinks");
        demand(reply.status === 200 && reply.text.includes("secrets sealed"), `expected the sinks page, got ${reply}`);
        demand(!reply.text.includes(token), "the token appears on the page");
        const stored = await db().auditSink.findMany({ select: { secretSealed: true } });
        demand(stored.every((s) => !s.secretSealed?.includes(token)), "the token is stored in clear");
      }),
      attack("developer (no audit:read) opens the audit sinks page", "forbidden page, no sink listed", async () => {
        const reply = await fx.developer.get("/audit/sinks");
        demand(reply.text.includes("You need the audit:read scope") && !reply.text.includes("127.0.0.1:9"), `expected the forbidden page, got ${reply}`);
      }),
    ],
  };
}
