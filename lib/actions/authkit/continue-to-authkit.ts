"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { AppError } from "@/lib/errors";
import { clientIp, requestId } from "@/lib/http/client-address";
import { signedInUser } from "@/lib/auth/signed-in-user";
import { completeBridgeSignIn } from "@/lib/workos/complete-bridge-sign-in";
import { externalAuthIdSchema } from "@/lib/workos/external-auth-id";

/** The person confirmed: complete the AuthKit sign-in through the WorkOS API and follow AuthKit's redirect. */
export async function continueToAuthkitAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await signedInUser();
    if (!user) throw new AppError("unauthenticated", "Your Portcullis session has ended. Sign in again from your MCP client.");
    const id = externalAuthIdSchema.safeParse(form.get("external_auth_id") ?? undefined);
    if (!id.success) throw new AppError("invalid_input", id.error.issues[0].message);
    const h = await headers();
    const location = await completeBridgeSignIn(id.data, user, { actor: `user:${user.id}`, ip: clientIp(h), requestId: requestId(h) });
    redirect(location);
  });
}
