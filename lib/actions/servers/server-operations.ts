"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { acceptUpstreamTools } from "@/lib/gateway/accept-upstream-tools";
import { refreshUpstreamServer } from "@/lib/gateway/refresh-upstream-server";
import { removeUpstreamServer } from "@/lib/gateway/remove-upstream-server";
import { testUpstreamConnection } from "@/lib/gateway/test-upstream-connection";

export async function refreshServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "refresh upstream servers");
    const report = await refreshUpstreamServer(formString(form, "name"), admin.context);
    revalidatePath("/servers");
    const held = [...report.added, ...report.changed];
    return { ok: true, message: held.length ? `Refreshed ${report.name}: ${held.join(", ")} held for review.` : `Refreshed ${report.name}: no tool changed.` };
  });
}

export async function testServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:read", "test upstream servers");
    const name = formString(form, "name");
    const result = await testUpstreamConnection(name, admin.context);
    return { ok: true, message: `${name} answered: ${result.tools} tools listed in ${result.latencyMs} ms.` };
  });
}

export async function removeServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "remove upstream servers");
    const name = formString(form, "name");
    const result = await removeUpstreamServer(name, formString(form, "reason") || "removed in the console", admin.context);
    revalidatePath("/servers");
    return { ok: true, message: `Removed ${name}; ${result.revokedGrants} grants for its endpoint revoked.` };
  });
}

export async function acceptToolsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "accept upstream tools");
    const name = formString(form, "name");
    const tools = formStrings(form, "tool");
    const { accepted } = await acceptUpstreamTools(name, tools.length ? tools : "all", admin.context);
    revalidatePath("/servers");
    revalidatePath("/scopes");
    return { ok: true, message: accepted.length ? `Accepted ${accepted.join(", ")} on ${name}.` : "No held tools to accept." };
  });
}
