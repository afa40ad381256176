"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { updateTokenLifetimes } from "@/lib/settings/update-token-lifetimes";

function seconds(form: FormData, name: string, label: string): number {
  const value = formString(form, name).trim();
  if (!/^\d{1,9}$/.test(value)) throw new AppError("invalid_input", `${label}: enter a whole number of seconds.`);
  return Number(value);
}

export async function updateTokenLifetimesAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "change token lifetimes");
    const lifetimes = await updateTokenLifetimes(
      {
        accessTokenSeconds: seconds(form, "accessTokenSeconds", "Access-token lifetime"),
        refreshTokenSeconds: seconds(form, "refreshTokenSeconds", "Refresh-token lifetime"),
      },
      admin.context,
    );
    revalidatePath("/settings");
    return { ok: true, message: `Token lifetimes saved: access ${lifetimes.accessTokenSeconds} s, refresh ${lifetimes.refreshTokenSeconds} s, from the next token issued.` };
  });
}
