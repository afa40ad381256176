import { appendAudit, type AuditContext } from "@/lib/audit";
import { describeRule, matchAutoApproveRule } from "@/lib/clients/match-auto-approve-rule";
import type { Tx } from "@/lib/db/client";
import type { Client, Prisma } from "@/lib/db/generated/client";
import type { AutoApproveRule } from "@/lib/settings/registration-policy";

/** What an approval vouches for: where codes may be sent, which grants the client may use, how it authenticates. */
export interface ApprovedMetadata {
  redirectUris: string[];
  grantTypes: string[];
  tokenEndpointAuthMethod: string;
}

type Reviewed = Pick<Client, "id" | "name" | "source" | "status" | "redirectUris" | "grantTypes" | "tokenEndpointAuthMethod" | "approvedMetadata">;

/** The set the client's approval covered: the stored snapshot, or — when nothing has changed since — its current values. */
export function approvedMetadataOf(client: Reviewed): ApprovedMetadata {
  const snapshot = client.approvedMetadata as Partial<ApprovedMetadata> | null;
  if (snapshot && Array.isArray(snapshot.redirectUris) && Array.isArray(snapshot.grantTypes) && typeof snapshot.tokenEndpointAuthMethod === "string") {
    return { redirectUris: snapshot.redirectUris, grantTypes: snapshot.grantTypes, tokenEndpointAuthMethod: snapshot.tokenEndpointAuthMethod };
  }
  return { redirectUris: client.redirectUris, grantTypes: client.grantTypes, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod };
}

/** Values of `next` the approval did not cover, as a reviewer reads them; empty when `next` is a subset of `approved`. */
export function unapprovedValues(approved: ApprovedMetadata, next: ApprovedMetadata): string[] {
  return [
    ...next.redirectUris.filter((u) => !approved.redirectUris.includes(u)).map((u) => `redirect URI ${u}`),
    ...next.grantTypes.filter((g) => !approved.grantTypes.includes(g)).map((g) => `grant type ${g}`),
    ...(next.tokenEndpointAuthMethod === approved.tokenEndpointAuthMethod ? [] : [`token endpoint auth method ${next.tokenEndpointAuthMethod}`]),
  ];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}

/** True when `next` differs from the client's stored redirect URIs, grant types or auth method. */
export function securityMetadataChanged(client: Reviewed, next: ApprovedMetadata): boolean {
  return (
    !sameSet(client.redirectUris, next.redirectUris) ||
    !sameSet(client.grantTypes, next.grantTypes) ||
    client.tokenEndpointAuthMethod !== next.tokenEndpointAuthMethod
  );
}

export interface ClientChangeReview {
  from: Client["status"];
  status: Client["status"];
  unapproved: string[];
  consentsWithdrawn: number;
}

/**
 * Applies a change of a client's redirect URIs, grant types or token endpoint auth method — from any source — inside
 * the caller's `changeTransaction(["policy"])`, with its `client.changed` audit event. An approval covers the set it
 * was given for: a client whose new set is a subset of it keeps its status; one that adds anything goes back to review
 * (`pending`), unless an auto-approve rule approves the new set as it would a new client. Comparing with the approved
 * snapshot (not the previous values) means a client cannot walk its set away in subset steps and back. Remembered
 * consents were given for the old set, so they are dropped and every user is asked again.
 */
export async function reviewClientChange(
  tx: Tx,
  client: Reviewed,
  next: ApprovedMetadata,
  data: Omit<Prisma.ClientUpdateInput, "status" | "approvedMetadata">,
  ctx: AuditContext,
  autoApprove: readonly AutoApproveRule[],
): Promise<{ client: Client; review: ClientChangeReview }> {
  const approved = approvedMetadataOf(client);
  const unapproved = unapprovedValues(approved, next);
  const serving = client.status === "active" || client.status === "suspended";
  const rule: AutoApproveRule | null =
    client.status === "active" && unapproved.length > 0 && (client.source === "cimd" || client.source === "dcr")
      ? matchAutoApproveRule({ source: client.source, id: client.id, redirectUris: next.redirectUris }, autoApprove)
      : null;
  const toReview = serving && unapproved.length > 0 && !rule;
  const now = new Date();
  const status = toReview ? "pending" : client.status;
  let statusFields: Prisma.ClientUpdateInput = {};
  let approvedMetadata: Prisma.InputJsonValue | typeof Prisma.DbNull | undefined;
  if (toReview) {
    statusFields = {
      status,
      statusReason: `changed its ${unapproved.join(", ")}; waiting for review`,
      statusChangedAt: now,
      statusChangedBy: "system",
    };
    approvedMetadata = { ...approved };
  } else if (rule) {
    statusFields = { statusReason: `auto-approved again after a change: ${describeRule(rule)}`, statusChangedAt: now, statusChangedBy: "system" };
    approvedMetadata = { ...next };
  } else if (serving) {
    // A subset: still within what was approved. The snapshot is kept so later changes are measured against it.
    approvedMetadata = { ...approved };
  }
  const updated = await tx.client.update({
    where: { id: client.id },
    data: { ...data, ...statusFields, ...(approvedMetadata === undefined ? {} : { approvedMetadata }) },
  });
  const { count: consentsWithdrawn } = await tx.consent.deleteMany({ where: { clientId: client.id } });
  const before = { redirectUris: client.redirectUris, grantTypes: client.grantTypes, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod };
  const outcome = toReview ? `${client.status} → pending for review` : rule ? `still active: ${describeRule(rule)}` : `still ${client.status}`;
  await appendAudit(tx, [
    {
      kind: "client.changed",
      actor: "system",
      clientId: client.id,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason:
        `client ${updated.name} changed its redirect URIs, grant types or auth method` +
        (unapproved.length > 0 ? ` (not approved: ${unapproved.join(", ")})` : " (within what was approved)") +
        `; ${outcome}; ${consentsWithdrawn} remembered consent(s) dropped`,
      detail: { before, after: next, approved, unapproved, from: client.status, to: status, rule, consentsWithdrawn },
    },
  ]);
  return { client: updated, review: { from: client.status, status, unapproved, consentsWithdrawn } };
}
