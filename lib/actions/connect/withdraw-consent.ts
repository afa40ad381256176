"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { withdrawConsent } from "@/lib/consents/withdraw-consent";
import { AppError } from "@/lib/errors";

/** A user withdraws one of their own remembered consents (grants:own); lib/ finds only their own. */
export async function withdrawConsentAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const me = await requireScope("grants:own", "withdraw your consents");
    const clientId = z.string().min(1).max(2000).safeParse(formString(form, "clientId"));
    if (!clientId.success) throw new AppError("invalid_input", "unknown client");
    const { clientName } = await withdrawConsent(me.id, clientId.data, me.context);
    revalidatePath("/connect");
    return { ok: true, message: `${clientName} has to ask you again before it gets a new authorization.` };
  });
}
