"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { clientIp, requestId } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { signedInUser } from "@/lib/auth/signed-in-user";
import { decideDeviceRequest } from "@/lib/oauth/device/decide-device-request";

/** The device page's Allow/Deny. The outcome is shown by the page it redirects to. */
export async function decideDeviceAction(form: FormData): Promise<void> {
  const userCode = String(form.get("user_code") ?? "");
  const user = await signedInUser();
  if (!user) redirect(`/login?from=${encodeURIComponent(`/oauth/device?user_code=${encodeURIComponent(userCode)}`)}`);
  const decision = form.get("decision") === "allow" ? "allow" : "deny";
  const chosenScopes = form.getAll("grant_scope").filter((s): s is string => typeof s === "string");
  const h = await headers();
  let result: string;
  try {
    result = await decideDeviceRequest({ userCode, userId: user.id, decision, chosenScopes, ctx: { actor: `user:${user.id}`, ip: clientIp(h), requestId: requestId(h) } });
  } catch (error) {
    if (!isAppError(error)) logger.error("device decision failed", { error });
    result = isAppError(error) && error.code === "rate_limited" ? "throttled" : "expired";
  }
  redirect(`/oauth/device?result=${result}`);
}
