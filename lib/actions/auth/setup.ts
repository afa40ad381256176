"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { createFirstAdmin } from "@/lib/auth/create-first-admin";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { clientIp, requestId } from "@/lib/http/client-address";

export async function setupAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    if (form.get("password") !== form.get("confirm")) {
      return { ok: false as const, code: "invalid_input", error: "The two passwords do not match." };
    }
    const h = await headers();
    await createFirstAdmin(
      { email: form.get("email"), name: form.get("name"), password: form.get("password"), setupToken: form.get("setupToken") ?? undefined },
      { ip: clientIp(h), requestId: requestId(h) },
    );
    return { ok: true as const };
  });
  if (result.ok) redirect("/login?setup=done");
  return result;
}
