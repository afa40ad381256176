import { readRequestBody } from "@modelcontextprotocol/server";
import { recordAudit } from "@/lib/audit";
import { recordedArguments } from "@/lib/audit/recorded-arguments";
import { authenticateBearer } from "@/lib/mcp/authenticate-bearer";
import { bearerChallenge } from "@/lib/mcp/bearer-challenge";
import type { McpCaller } from "@/lib/mcp/caller";
import { throttleRefusal } from "@/lib/mcp/throttle-refusal";
import { recordDecision } from "@/lib/mcp/record-decision";
import { describeIssues, isDatabaseUnavailable, publicError } from "@/lib/errors";
import { clientIp, requestId } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { evaluationRequest, evaluationsRequest, withDefaults, type EvaluationRequest } from "@/lib/authzen/authzen-request";
import { evaluateAccess, type AccessDecision, type EvaluatedAccess } from "@/lib/authzen/evaluate-access";
import type { PolicySnapshot } from "@/lib/policy/types";

/** The scope an enforcement point's token must carry to ask for decisions. */
export const PDP_SCOPE = "pdp:evaluate";
const MAX_BODY_BYTES = 256 * 1024;

type Endpoint = "evaluation" | "evaluations";

/**
 * `POST /access/v1/evaluation` and `POST /access/v1/evaluations` (OpenID AuthZEN Authorization API 1.0, §5–6, HTTPS
 * binding §9): Portcullis as the decision point of another enforcement point (a gateway, an organisation's own MCP
 * server). In order: the caller's bearer token (401; the same checks as /mcp — valid, unrevoked, active client, enabled
 * user), its `pdp:evaluate` scope (403), the body (400, never a 500), then each evaluation decided by `decide` and
 * recorded as a decision event naming the enforcement point before the answer is sent (503 if it cannot be recorded:
 * fail closed). Every answer echoes the request id (`X-Request-ID`, §9.1.3).
 */
export async function handleAccessRequest(request: Request, endpoint: Endpoint): Promise<Response> {
  const meta = { ip: clientIp(request.headers), requestId: requestId(request.headers) };
  const reply = (status: number, body: unknown) => {
    const headers = new Headers({ "Cache-Control": "no-store" });
    if (meta.requestId) headers.set("X-Request-ID", meta.requestId);
    if (typeof body === "string") {
      headers.set("Content-Type", "text/plain; charset=utf-8");
      return new Response(body, { status, headers });
    }
    headers.set("Content-Type", "application/json");
    return new Response(JSON.stringify(body), { status, headers });
  };
  try {
    const auth = await authenticateBearer(request);
    if (!auth.ok) {
      const status = auth.error === "invalid_request" ? 400 : auth.error === "forbidden" ? 403 : 401;
      await recordRefusal(meta, `denied: ${auth.reason}`, { stage: "authenticate", check: auth.check, status }, auth.party);
      const response = reply(status, auth.error === null ? "Unauthorized: an access token with the pdp:evaluate scope is required." : `Unauthorized: ${auth.reason}.`);
      if (status !== 403) {
        response.headers.set("WWW-Authenticate", bearerChallenge({ error: auth.error === "invalid_request" ? "invalid_request" : auth.error === null ? undefined : "invalid_token", scopes: [PDP_SCOPE], description: auth.reason }));
      }
      return response;
    }
    const pep = auth.caller;
    if (!pep.scopes.includes(PDP_SCOPE)) {
      const why = `token scope lacks ${PDP_SCOPE} (granted: ${pep.scopes.join(" ") || "none"})`;
      await recordRefusal(meta, `denied: ${why}`, { stage: "authorize", check: "token_scope", requiredScope: PDP_SCOPE, status: 403 }, pep);
      const response = reply(403, `Forbidden: asking for decisions needs the ${PDP_SCOPE} scope.`);
      response.headers.set("WWW-Authenticate", bearerChallenge({ error: "insufficient_scope", scopes: [PDP_SCOPE], description: `asking for decisions needs the ${PDP_SCOPE} scope` }));
      return response;
    }

    const body = await readJsonBody(request);
    if (!body.ok) return reply(body.status, body.error);
    if (endpoint === "evaluation") {
      const parsed = evaluationRequest.safeParse(body.value);
      if (!parsed.success) return reply(400, `Bad request: ${describeIssues(parsed.error.issues)}`);
      const [answer] = await decideAndRecord(auth.snapshot, [parsed.data], pep, meta, endpoint, "execute_all");
      return reply(200, answer);
    }
    const parsed = evaluationsRequest.safeParse(body.value);
    if (!parsed.success) return reply(400, `Bad request: ${describeIssues(parsed.error.issues)}`);
    if (!parsed.data.evaluations?.length) {
      // §6.1: without an `evaluations` array the request is a single Access Evaluation request.
      const single = evaluationRequest.safeParse(parsed.data);
      if (!single.success) return reply(400, `Bad request: ${describeIssues(single.error.issues)}`);
      const [answer] = await decideAndRecord(auth.snapshot, [single.data], pep, meta, endpoint, "execute_all");
      return reply(200, answer);
    }
    const evaluations = withDefaults(parsed.data);
    if (!evaluations.ok) return reply(400, `Bad request: ${evaluations.error}`);
    const semantic = parsed.data.options?.evaluations_semantic ?? "execute_all";
    return reply(200, { evaluations: await decideAndRecord(auth.snapshot, evaluations.evaluations, pep, meta, endpoint, semantic) });
  } catch (error) {
    if (error instanceof UnrecordedDecision || isDatabaseUnavailable(error)) {
      logger.warn("authzen request refused: the decision could not be recorded", { requestId: meta.requestId, error: String((error as Error).message).split("\n").pop() });
      const response = reply(503, "The decision could not be recorded in the audit log, so none is given. Try again shortly.");
      response.headers.set("Retry-After", "1");
      return response;
    }
    const { status, message } = publicError(error);
    if (status >= 500) logger.error("authzen request failed", { requestId: meta.requestId, error });
    return reply(status, status >= 500 ? "Internal error; it has been logged." : message);
  }
}

class UnrecordedDecision extends Error {}

/**
 * Decides the evaluations in order under the semantic (§6.1.3): all of them, or up to and including the first denial
 * (`deny_on_first_deny`) or the first permit (`permit_on_first_permit`); records each decided one (group-committed
 * together) before anything is answered.
 */
async function decideAndRecord(
  snapshot: PolicySnapshot,
  requests: EvaluationRequest[],
  pep: McpCaller,
  meta: { ip: string | null; requestId: string | null },
  endpoint: Endpoint,
  semantic: "execute_all" | "deny_on_first_deny" | "permit_on_first_permit",
): Promise<AccessDecision[]> {
  const decided: EvaluatedAccess[] = [];
  for (const request of requests) {
    const evaluated = evaluateAccess(snapshot, request);
    decided.push(evaluated);
    if (semantic === "deny_on_first_deny" && !evaluated.answer.decision) break;
    if (semantic === "permit_on_first_permit" && evaluated.answer.decision) break;
  }
  try {
    await Promise.all(
      decided.map((evaluated, index) =>
        recordAudit({
          kind: evaluated.answer.decision ? "decision.allow" : "decision.deny",
          actor: `client:${pep.clientId}`,
          subject: evaluated.userId,
          clientId: evaluated.clientId,
          tool: evaluated.tool,
          scopes: [],
          decision: evaluated.answer.decision ? "allow" : "deny",
          reason: evaluated.answer.context.reason_path,
          requestId: meta.requestId,
          ip: meta.ip,
          detail: {
            enforcementPoint: "authzen",
            endpoint: `/access/v1/${endpoint}`,
            pep: { clientId: pep.clientId, userId: pep.userId },
            action: evaluated.action.slice(0, 64),
            check: evaluated.answer.context.failed_check ?? "allowed",
            ...(requests.length > 1 ? { index, semantic } : {}),
            ...recordedArguments(evaluated.args),
          },
        }),
      ),
    );
  } catch (error) {
    throw new UnrecordedDecision((error as Error)?.message ?? "audit write failed");
  }
  return decided.map((d) => d.answer);
}

async function readJsonBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; status: number; error: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) return { ok: false, status: 400, error: "Bad request: Content-Type must be application/json." };
  const body = await readRequestBody(request, MAX_BODY_BYTES);
  if (body.tooLarge) return { ok: false, status: 400, error: `Bad request: the body must not exceed ${MAX_BODY_BYTES} bytes.` };
  try {
    const value = JSON.parse(body.text);
    // §9.1.1: the top-level element is an object.
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, status: 400, error: "Bad request: the body must be a JSON object." };
    return { ok: true, value };
  } catch {
    return { ok: false, status: 400, error: "Bad request: the body is not valid JSON." };
  }
}

/** A refused caller is recorded like one at /mcp: one by one within the per-address bound, then summarised. */
async function recordRefusal(
  meta: { ip: string | null; requestId: string | null },
  reason: string,
  detail: Record<string, unknown>,
  party?: { userId: string | null; clientId: string; scopes: string[]; auditDetail: Record<string, unknown> },
): Promise<void> {
  try {
    const throttle = await throttleRefusal(meta.ip);
    if (throttle.throttled || !throttle.record) return;
    await recordDecision({ decision: "deny", reason, party, meta: { ...meta }, detail: { enforcementPoint: "authzen", ...detail } });
  } catch (error) {
    logger.warn("authzen refusal could not be recorded", { requestId: meta.requestId, error: String((error as Error)?.message) });
  }
}
