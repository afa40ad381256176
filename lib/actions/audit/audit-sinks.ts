"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { addAuditSink, removeAuditSink, testAuditSink } from "@/lib/sinks";
import type { SinkInput } from "@/lib/sinks/sink-input";

const optional = (form: FormData, key: string) => formString(form, key) || undefined;
const count = z.coerce.number({ error: "give a whole number" }).int("give a whole number");

/** Adds an audit sink from the console. Secrets (token, client key) are sealed and never shown again. */
export async function addSinkAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "add audit sinks");
    const batch = formString(form, "batchSize");
    const parsedBatch = batch ? count.safeParse(batch) : undefined;
    if (parsedBatch && !parsedBatch.success) throw new AppError("invalid_input", `batch size: ${parsedBatch.error.issues[0].message}`);
    const input: SinkInput = {
      name: formString(form, "name"),
      kind: formString(form, "kind") as SinkInput["kind"],
      endpoint: formString(form, "endpoint"),
      allowPrivate: form.get("allowPrivate") === "on",
      token: optional(form, "token"),
      clientCert: optional(form, "clientCert"),
      clientKey: optional(form, "clientKey"),
      ca: optional(form, "ca"),
      batchSize: parsedBatch?.data,
      from: formString(form, "from") === "now" ? "now" : "beginning",
    };
    const added = await addAuditSink(input, admin.context);
    revalidatePath("/audit/sinks");
    return { ok: true, message: `Added ${added.name}: it delivers ${added.cursor === "0" ? "the whole chain" : `events after ${added.cursor}`}. Its secrets are sealed and will not be shown again.` };
  });
}

export async function testSinkAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "test audit sinks");
    const name = formString(form, "name");
    const result = await testAuditSink(name, admin.context);
    revalidatePath("/audit/sinks");
    if (!result.ok) throw new AppError("conflict", `${name} did not take event ${result.seq}: ${result.error}`);
    return { ok: true, message: `${name} accepted event ${result.seq}.` };
  });
}

export async function removeSinkAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "remove audit sinks");
    const removed = await removeAuditSink(formString(form, "name"), admin.context);
    revalidatePath("/audit/sinks");
    return { ok: true, message: `Removed ${removed.name} (it had delivered through event ${removed.cursor}).` };
  });
}
