"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { pruneStaleClients } from "@/lib/clients/prune-stale-clients";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { refreshClientPages } from "./client-form";

export async function pruneStaleClientsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    const admin = await requireScope("clients:write", "prune stale clients");
    const days = z.coerce.number().int().safeParse(formString(form, "olderThanDays"));
    if (!days.success) throw new AppError("invalid_input", "Choose an age in whole days.");
    const pruned = await pruneStaleClients({ olderThanDays: days.data }, admin.context);
    refreshClientPages();
    return { ok: true as const, message: `${pruned.count}${pruned.remaining ? ` (${pruned.remaining} more remain; prune again)` : ""}` };
  });
  if (result.ok) redirect(`/clients?pruned=${encodeURIComponent(result.message ?? "0")}`);
  return result;
}
