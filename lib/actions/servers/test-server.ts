"use server";

import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { testUpstreamConnection } from "@/lib/gateway/test-upstream-connection";

export async function testServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:read", "test upstream servers");
    const name = formString(form, "name");
    const result = await testUpstreamConnection(name, admin.context);
    return { ok: true, message: `${name} answered: ${result.tools} tools listed in ${result.latencyMs} ms.` };
  });
}
