"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { approveClient } from "@/lib/clients/approve-client";
import { approveClients } from "@/lib/clients/approve-clients";
import { clientHref } from "@/lib/clients/client-path";
import { deleteClient } from "@/lib/clients/delete-client";
import { pruneStaleClients } from "@/lib/clients/prune-stale-clients";
import { reactivateClient } from "@/lib/clients/reactivate-client";
import { rejectClient } from "@/lib/clients/reject-client";
import { suspendClient } from "@/lib/clients/suspend-client";
import { updateClientScopes } from "@/lib/clients/update-client-scopes";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { revokeClientGrants } from "@/lib/grants/revoke-client-grants";

// Every action authorizes first (an audited 403 without the scope), then lets lib/ validate, change and audit.

const clientId = z.string().min(1, "unknown client").max(2000, "unknown client");

function parseClientId(form: FormData): string {
  const parsed = clientId.safeParse(formString(form, "clientId"));
  if (!parsed.success) throw new AppError("invalid_input", "unknown client");
  return parsed.data;
}

function refresh(id?: string) {
  revalidatePath("/clients");
  revalidatePath("/");
  if (id) revalidatePath(clientHref(id));
}

export async function approveClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "approve clients");
    const id = parseClientId(form);
    const serviceUser = formString(form, "serviceUser");
    await approveClient(id, formString(form, "reason"), admin.context, { scopes: formStrings(form, "scopes"), serviceUser: serviceUser || undefined });
    refresh(id);
    // The decision forms give way to the new status, so the outcome is said on the page it lands on.
    redirect(`${clientHref(id)}?changed=approved`);
  });
}

export async function rejectClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "reject clients");
    const id = parseClientId(form);
    await rejectClient(id, formString(form, "reason"), admin.context);
    refresh(id);
    redirect(`${clientHref(id)}?changed=rejected`);
  });
}

export async function suspendClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "suspend clients");
    const id = parseClientId(form);
    await suspendClient(id, formString(form, "reason"), admin.context);
    refresh(id);
    redirect(`${clientHref(id)}?changed=suspended`);
  });
}

export async function reactivateClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "reactivate clients");
    const id = parseClientId(form);
    await reactivateClient(id, formString(form, "reason"), admin.context);
    refresh(id);
    redirect(`${clientHref(id)}?changed=reactivated`);
  });
}

export async function updateClientScopesAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "change a client's allowed scopes");
    const id = parseClientId(form);
    const { added, removed } = await updateClientScopes(id, formStrings(form, "scopes"), admin.context, formString(form, "reason"));
    refresh(id);
    if (added.length === 0 && removed.length === 0) return { ok: true, message: "No change." };
    const parts = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""];
    return { ok: true, message: `Allowed scopes saved: ${parts.filter(Boolean).join("; ")}. Applies from the next call.` };
  });
}

export async function deleteClientAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    const admin = await requireScope("clients:write", "delete clients");
    const id = parseClientId(form);
    const removed = await deleteClient(id, formString(form, "reason"), admin.context);
    refresh();
    return { ok: true as const, message: removed.name };
  });
  if (result.ok) redirect(`/clients?deleted=${encodeURIComponent(result.message ?? "")}`);
  return result;
}

export async function revokeClientGrantsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke a client's grants");
    const id = parseClientId(form);
    const result = await revokeClientGrants(id, formString(form, "reason"), admin.context);
    refresh(id);
    revalidatePath("/tokens");
    if (result.grantIds.length === 0) return { ok: true, message: `${result.name} holds no live grant: nothing to revoke.` };
    return {
      ok: true,
      message: `Revoked ${result.grantIds.length} grant(s) of ${result.name} (${result.accessTokens} access, ${result.refreshTokens} refresh token(s)).`,
    };
  });
}

export async function bulkApproveClientsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "approve clients");
    const ids = formStrings(form, "clientId");
    const result = await approveClients(ids, formString(form, "reason"), admin.context);
    refresh();
    const approved = result.approved.length ? `Approved ${result.approved.map((a) => a.name).join(", ")}.` : "";
    if (result.refused.length === 0) return { ok: true, message: approved };
    const refused = result.refused.map((r) => `${r.name}: ${r.error}`).join(" ");
    return { ok: false, code: "partial", error: `${approved} Not approved — ${refused}`.trim() };
  });
}

export async function pruneStaleClientsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    const admin = await requireScope("clients:write", "prune stale clients");
    const days = z.coerce.number().int().safeParse(formString(form, "olderThanDays"));
    if (!days.success) throw new AppError("invalid_input", "Choose an age in whole days.");
    const pruned = await pruneStaleClients({ olderThanDays: days.data }, admin.context);
    refresh();
    return { ok: true as const, message: `${pruned.count}${pruned.remaining ? ` (${pruned.remaining} more remain; prune again)` : ""}` };
  });
  if (result.ok) redirect(`/clients?pruned=${encodeURIComponent(result.message ?? "0")}`);
  return result;
}
