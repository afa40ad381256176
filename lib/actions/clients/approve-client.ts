"use server";

import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/console-user";
import { approveClient } from "@/lib/clients/approve-client";
import { clientHref } from "@/lib/clients/client-path";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { clientIdFromForm, refreshClientPages } from "./client-form";

export async function approveClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "approve clients");
    const id = clientIdFromForm(form);
    const serviceUser = formString(form, "serviceUser");
    await approveClient(id, formString(form, "reason"), admin.context, { scopes: formStrings(form, "scopes"), serviceUser: serviceUser || undefined });
    refreshClientPages(id);
    // The decision forms give way to the new status, so the outcome is said on the page it lands on.
    redirect(`${clientHref(id)}?changed=approved`);
  });
}
