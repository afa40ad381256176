import { z } from "zod";

/** More in one request is a batch job, not a decision on the way to a call. */
export const MAX_EVALUATIONS = 100;

// AuthZEN 1.0 §3 (information model). Unknown members are ignored, as §9.1.1 requires of receivers.
const properties = z.record(z.string(), z.unknown()).optional();
const entity = z.object({ type: z.string().min(1).max(256), id: z.string().min(1).max(2048), properties });
const action = z.object({ name: z.string().min(1).max(256), properties });
const context = z.record(z.string(), z.unknown());

/** §5.1: one Access Evaluation request. */
export const evaluationRequest = z.object({ subject: entity, action, resource: entity, context: context.optional() });
export type EvaluationRequest = z.infer<typeof evaluationRequest>;

const partialEvaluation = z.object({ subject: entity.optional(), action: action.optional(), resource: entity.optional(), context: context.optional() });

/** §6.1: the Access Evaluations request — top-level defaults, the `evaluations` array, and `options`. */
export const evaluationsRequest = partialEvaluation.extend({
  evaluations: z.array(partialEvaluation).max(MAX_EVALUATIONS, `at most ${MAX_EVALUATIONS} evaluations in one request`).optional(),
  options: z
    .object({ evaluations_semantic: z.enum(["execute_all", "deny_on_first_deny", "permit_on_first_permit"]).optional() })
    .catchall(z.unknown())
    .optional(),
});
export type EvaluationsRequest = z.infer<typeof evaluationsRequest>;

/**
 * §6.1.1 default values: each evaluation's own keys override the top-level ones; `subject`, `action` and `resource`
 * must come from one or the other. Returns the evaluations, or which one lacks what.
 */
export function withDefaults(request: EvaluationsRequest): { ok: true; evaluations: EvaluationRequest[] } | { ok: false; error: string } {
  const evaluations: EvaluationRequest[] = [];
  for (const [index, item] of (request.evaluations ?? []).entries()) {
    const merged = {
      subject: item.subject ?? request.subject,
      action: item.action ?? request.action,
      resource: item.resource ?? request.resource,
      context: item.context ?? request.context,
    };
    const missing = (["subject", "action", "resource"] as const).filter((key) => merged[key] === undefined);
    if (missing.length > 0) return { ok: false, error: `evaluations[${index}] has no ${missing.join(", ")} and the request gives no default` };
    evaluations.push(merged as EvaluationRequest);
  }
  return { ok: true, evaluations };
}
