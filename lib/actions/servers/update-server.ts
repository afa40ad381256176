"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { updateUpstreamServer } from "@/lib/gateway/update-upstream-server";
import { parseHeaderLine } from "@/lib/gateway/upstream-server-input";

export async function updateServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "change upstream servers");
    const name = formString(form, "name");
    const header = formString(form, "header");
    if (header && !header.includes(":")) throw new AppError("invalid_input", 'header: give it as "Name: value"');
    const { changed } = await updateUpstreamServer(
      name,
      { url: formString(form, "url") || undefined, description: formString(form, "description"), auth: header ? { kind: "header", header: parseHeaderLine(header) } : undefined },
      admin.context,
    );
    revalidatePath("/servers");
    return { ok: true, message: changed.length ? `Saved ${name}: ${changed.join(", ")} changed.` : "Nothing changed." };
  });
}
