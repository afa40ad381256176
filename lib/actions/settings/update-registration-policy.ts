"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { registrationPolicyFromForm } from "@/lib/settings/registration-policy-form";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";

// Authorizes first (an audited 403 without settings:write), then lets lib/ validate, change and audit.
export async function updateRegistrationPolicyAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "change the registration policy");
    const policy = registrationPolicyFromForm({
      allowedHosts: formString(form, "allowedHosts"),
      deniedHosts: formString(form, "deniedHosts"),
      allowLoopback: formString(form, "allowLoopback") === "on",
      trustedCimdDomains: formString(form, "trustedCimdDomains"),
      trustedRedirectHosts: formString(form, "trustedRedirectHosts"),
      rateLimitMax: formString(form, "rateLimitMax"),
      rateLimitWindowSeconds: formString(form, "rateLimitWindowSeconds"),
      maxPendingClients: formString(form, "maxPendingClients"),
      maxPendingClientsPerAddress: formString(form, "maxPendingClientsPerAddress"),
      prunePendingWhenFull: formString(form, "prunePendingWhenFull") === "on",
      prunePendingOlderThanDays: formString(form, "prunePendingOlderThanDays"),
      defaultScopes: formStrings(form, "defaultScopes"),
    });
    await updateRegistrationPolicy(policy, admin.context);
    revalidatePath("/settings");
    return { ok: true, message: "Registration policy saved. It applies to the next registration." };
  });
}
