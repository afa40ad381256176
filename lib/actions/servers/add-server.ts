"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { parseHeaderLine, type UpstreamAuthInput } from "@/lib/gateway/upstream-server-input";

export async function addServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "add upstream servers");
    const kind = formString(form, "authKind") || "none";
    let auth: UpstreamAuthInput = { kind: "none" };
    if (kind === "header") {
      const line = formString(form, "header");
      if (!line.includes(":")) throw new AppError("invalid_input", 'header: give it as "Name: value"');
      auth = { kind: "header", header: parseHeaderLine(line) };
    } else if (kind === "client_credentials") {
      auth = {
        kind: "client_credentials",
        clientCredentials: {
          tokenUrl: formString(form, "tokenUrl"),
          clientId: formString(form, "clientId"),
          clientSecret: formString(form, "clientSecret"),
          scope: formString(form, "oauthScope") || undefined,
          resource: formString(form, "oauthResource") || undefined,
        },
      };
    }
    const added = await addUpstreamServer(
      { name: formString(form, "name"), url: formString(form, "url"), description: formString(form, "description"), auth, acceptAll: formString(form, "acceptAll") === "on" },
      admin.context,
    );
    revalidatePath("/servers");
    const tools = added.accepted.length ? `${added.accepted.length} tools accepted` : `${added.held.length} tools held for review`;
    return { ok: true, message: `Added ${added.name} at ${added.resource}: ${tools}.${added.skipped.length ? ` Skipped: ${added.skipped.join("; ")}.` : ""}` };
  });
}
