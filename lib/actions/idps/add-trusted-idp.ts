"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { addTrustedIdp } from "@/lib/idps/add-trusted-idp";

// Authorizes first (an audited 403 without settings:write), then lets lib/ validate, change and audit.
export async function addTrustedIdpAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "trust an enterprise identity provider");
    const mapping = formString(form, "subjectMapping");
    const idp = await addTrustedIdp(
      {
        issuer: formString(form, "issuer"),
        name: formString(form, "name"),
        jwksUri: formString(form, "jwksUri"),
        subjectMapping: mapping as "linked" | "email",
        allowedEmailDomains: formString(form, "allowedEmailDomains").split(/[\s,]+/).filter(Boolean),
      },
      admin.context,
    );
    revalidatePath("/settings");
    return { ok: true, message: `ID-JAGs from ${idp.name} are accepted now.` };
  });
}
