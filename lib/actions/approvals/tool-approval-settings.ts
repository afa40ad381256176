"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { clearToolApproval, setToolApproval } from "@/lib/approvals/set-tool-approval";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";

const list = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
const seconds = z.coerce.number({ error: "expiry: give a number of seconds" }).int("expiry: give a whole number of seconds");

/** Marks a tool approval-required, or changes who approves, for how long, and which argument fields approvers never see. */
export async function setToolApprovalAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change which calls need approval");
    const tool = formString(form, "tool");
    const expires = seconds.safeParse(formString(form, "expires") || "900");
    if (!expires.success) throw new AppError("invalid_input", expires.error.issues[0].message);
    const masked = list(formString(form, "masked"));
    await setToolApproval(tool, list(formString(form, "approvers")), expires.data, admin.context, masked);
    revalidatePath("/approvals");
    return { ok: true, message: `Saved: calls to ${tool} need approval${masked.length ? `; masked from approvers: ${masked.join(", ")}` : ""}.` };
  });
}

export async function clearToolApprovalAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change which calls need approval");
    const tool = formString(form, "tool");
    const cleared = await clearToolApproval(tool, admin.context);
    revalidatePath("/approvals");
    return { ok: true, message: cleared ? `Calls to ${tool} no longer need approval.` : `Calls to ${tool} did not need approval.` };
  });
}
