import { isCelError } from "@bufbuild/cel";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { CompiledCondition } from "@/lib/conditions/compile-condition";
import { evaluationBudget } from "@/lib/conditions/evaluation-budget";

/** What a condition is evaluated over (DESIGN §11). */
export interface ConditionInput {
  args: Record<string, unknown>;
  user: { id: string; email: string; roles: string[] };
  client: { id: string; name: string; source: string };
  tool: { name: string; server: string };
  now: Date;
}

/** `true` allows; `false` and `error` deny, the error saying why (fail closed). */
export type ConditionOutcome = { result: true } | { result: false } | { result: "error"; error: string };

/**
 * Evaluates a compiled condition within its budget. Never throws: a runtime error (a missing key, a type the checker
 * could not see), a result that is not a boolean, or a spent budget is an `error` outcome.
 */
export function evaluateCondition(condition: CompiledCondition, input: ConditionInput): ConditionOutcome {
  const bindings = { args: input.args, user: input.user, client: input.client, tool: input.tool, now: timestampFromDate(input.now) };
  let evaluated: ReturnType<typeof evaluationBudget.run<unknown>>;
  try {
    evaluated = evaluationBudget.run(() => condition.run(bindings));
  } catch (error) {
    return { result: "error", error: `evaluation failed: ${(error as Error)?.message ?? String(error)}` };
  }
  if (evaluated.exceeded) return { result: "error", error: `evaluation exceeded its cost limit (${evaluated.exceeded})` };
  const value = evaluated.value;
  if (isCelError(value)) return { result: "error", error: `evaluation failed: ${value.message}` };
  if (typeof value !== "boolean") return { result: "error", error: "evaluation did not return a boolean" };
  return value ? { result: true } : { result: false };
}
