"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/console-user";
import { clientHref } from "@/lib/clients/client-path";
import { reactivateClient } from "@/lib/clients/reactivate-client";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { clientIdFromForm, refreshClientPages } from "./client-form";

export async function reactivateClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "reactivate clients");
    const id = clientIdFromForm(form);
    await reactivateClient(id, formString(form, "reason"), admin.context);
    await noteImpactSaved(form, admin.context);
    refreshClientPages(id);
    redirect(`${clientHref(id)}?changed=reactivated`);
  });
}
