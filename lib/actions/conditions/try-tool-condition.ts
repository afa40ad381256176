"use server";

import { requireScope } from "@/lib/auth/console-user";
import { tryToolCondition, type ConditionTrial } from "@/lib/conditions/try-tool-condition";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { db } from "@/lib/db/client";

/** Evaluates a condition without saving it; reading recorded calls' arguments needs the audit log too. */
export async function tryToolConditionAction(_previous: ActionResult<ConditionTrial> | null, form: FormData): Promise<ActionResult<ConditionTrial>> {
  return runAction(async () => {
    await requireScope("policy:read", "try a condition");
    const me = await requireScope("audit:read", "replay a condition over recorded calls");
    const trial = await tryToolCondition(db(), {
      tool: formString(form, "tool"),
      expression: formString(form, "expression"),
      exampleArgs: formString(form, "exampleArgs"),
      testerId: me.id,
    });
    return { ok: true, data: trial };
  });
}
