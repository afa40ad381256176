import { z } from "zod";
import { compileCondition, type ConditionError } from "@/lib/conditions/compile-condition";
import { evaluateCondition, type ConditionOutcome } from "@/lib/conditions/evaluate-condition";
import { toolInputSchema } from "@/lib/conditions/tool-input-schema";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { effectiveRoleNames } from "@/lib/policy/condition-routes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot } from "@/lib/policy/types";

/** How many recorded calls of the tool a trial replays. */
export const RECORDED_CALLS = 50;

export interface RecordedCallTrial {
  seq: string;
  at: string;
  user: string;
  /** The decision recorded then. */
  recorded: string;
  outcome: "allow" | "deny" | "unknown";
  why: string | null;
}

export type ConditionTrial =
  | { ok: false; error: ConditionError }
  | {
      ok: true;
      example: ConditionOutcome | null;
      recorded: { wouldAllow: number; wouldDeny: number; unknown: number; calls: RecordedCallTrial[] };
    };

const exampleArgs = z.record(z.string(), z.unknown());

/**
 * "Try it" for a condition before saving it: compiles it against the tool's input schema, evaluates it over example
 * arguments (as `tester`, through `client`), and over the last 50 recorded calls of the tool — each with the user,
 * client and time it was made — counting how many would have been allowed or denied. Reads only; saves nothing.
 */
export async function tryToolCondition(
  database: Db,
  input: { tool: string; expression: string; exampleArgs?: string; testerId: string },
): Promise<ConditionTrial> {
  const tool = await database.tool.findUnique({ where: { name: input.tool } });
  if (!tool) throw new AppError("not_found", `Tool ${input.tool} does not exist`);
  const compiled = compileCondition(input.expression, toolInputSchema(tool.name, (tool as { definition?: unknown }).definition));
  if (!compiled.ok) return { ok: false, error: compiled.error };
  const snapshot = await policySnapshot();

  let example: ConditionOutcome | null = null;
  if (input.exampleArgs?.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.exampleArgs);
    } catch {
      throw new AppError("invalid_input", "The example arguments are not valid JSON");
    }
    const args = exampleArgs.safeParse(parsed);
    if (!args.success) throw new AppError("invalid_input", "The example arguments must be a JSON object, as a tool call's arguments are");
    example = evaluateCondition(compiled.condition, contextFor(snapshot, input.testerId, null, tool.name, args.data, new Date()));
  }

  const events = await database.auditEvent.findMany({
    where: { tool: tool.name, kind: { in: ["decision.allow", "decision.deny"] } },
    orderBy: { seq: "desc" },
    take: RECORDED_CALLS,
    select: { seq: true, at: true, subject: true, clientId: true, decision: true, detail: true },
  });
  const calls: RecordedCallTrial[] = events.map((event) => {
    const detail = (event.detail ?? {}) as { args?: unknown };
    const base = { seq: event.seq.toString(), at: event.at.toISOString(), user: snapshot.users.get(event.subject ?? "")?.email ?? event.subject ?? "unknown", recorded: event.decision ?? "" };
    if (typeof detail.args !== "object" || detail.args === null || Array.isArray(detail.args)) {
      return { ...base, outcome: "unknown", why: "the call's arguments were not recorded (too long, or before arguments were recorded)" };
    }
    const outcome = evaluateCondition(compiled.condition, contextFor(snapshot, event.subject ?? "", event.clientId, tool.name, detail.args as Record<string, unknown>, event.at));
    if (outcome.result === true) return { ...base, outcome: "allow", why: null };
    return { ...base, outcome: "deny", why: outcome.result === false ? "false" : outcome.error };
  });
  return {
    ok: true,
    example,
    recorded: {
      wouldAllow: calls.filter((c) => c.outcome === "allow").length,
      wouldDeny: calls.filter((c) => c.outcome === "deny").length,
      unknown: calls.filter((c) => c.outcome === "unknown").length,
      calls,
    },
  };
}

function contextFor(snapshot: PolicySnapshot, userId: string, clientId: string | null, tool: string, args: Record<string, unknown>, now: Date) {
  const user = snapshot.users.get(userId);
  const client = clientId ? snapshot.clients.get(clientId) : undefined;
  const dot = tool.indexOf(".");
  return {
    args,
    user: { id: userId, email: user?.email ?? "", roles: effectiveRoleNames(snapshot, userId, []) },
    client: { id: clientId ?? "", name: client?.name ?? "", source: client?.source ?? "" },
    tool: { name: tool, server: dot > 0 ? tool.slice(0, dot) : "" },
    now,
  };
}
