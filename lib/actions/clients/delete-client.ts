"use server";

import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/console-user";
import { deleteClient } from "@/lib/clients/delete-client";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { clientIdFromForm, refreshClientPages } from "./client-form";

export async function deleteClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    const admin = await requireScope("clients:write", "delete clients");
    const id = clientIdFromForm(form);
    const removed = await deleteClient(id, formString(form, "reason"), admin.context);
    refreshClientPages();
    return { ok: true as const, message: removed.name };
  });
  if (result.ok) redirect(`/clients?deleted=${encodeURIComponent(result.message ?? "")}`);
  return result;
}
