"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { rotateSigningKeys } from "@/lib/keys/rotate-signing-keys";
import { registrationPolicyFromForm } from "@/lib/settings/registration-policy-form";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";
import { updateTokenLifetimes } from "@/lib/settings/update-token-lifetimes";

// Every action authorizes first (an audited 403 without settings:write), then lets lib/ validate, change and audit.

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

export async function rotateSigningKeysAction(_previous: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "rotate signing keys");
    const { kid, retired, publishUntil } = await rotateSigningKeys(admin.context);
    revalidatePath("/settings");
    return {
      ok: true,
      message: `New signing key ${kid}. ${retired.length ? `${retired.join(", ")} stays published until ${publishUntil.toISOString().slice(0, 16).replace("T", " ")} UTC.` : ""}`.trim(),
    };
  });
}
