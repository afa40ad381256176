import { z } from "zod";
import { db, type Db } from "@/lib/db/client";
import { unseal } from "@/lib/keys/seal";

export const APPROVAL_WEBHOOK_KEY = "approvals.webhook";

/** How the webhook is stored: the URL sealed (a Slack or Teams webhook URL is itself the secret), and a safe display. */
export const storedApprovalWebhook = z.object({ urlSealed: z.string(), display: z.string(), allowPrivate: z.boolean() });
export type StoredApprovalWebhook = z.infer<typeof storedApprovalWebhook>;

/** The admin-set webhook for new approval requests, unsealed for sending (never shown); null when none is set. */
export async function approvalWebhook(database: Pick<Db, "setting"> = db()): Promise<(StoredApprovalWebhook & { url: URL }) | null> {
  const row = await database.setting.findUnique({ where: { key: APPROVAL_WEBHOOK_KEY } });
  const parsed = storedApprovalWebhook.safeParse(row?.value);
  if (!parsed.success) return null;
  return { ...parsed.data, url: new URL(await unseal(parsed.data.urlSealed)) };
}
