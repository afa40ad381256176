import { createHash } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { describeRule, matchAutoApproveRule } from "@/lib/clients/match-auto-approve-rule";
import type { Tx } from "@/lib/db/client";
import type { Client, Prisma } from "@/lib/db/generated/client";
import type { AutoApproveRule } from "@/lib/settings/registration-policy";

/**
 * The keys a private_key_jwt client signs with, as an approval vouches for them: the `jwks_uri` it fetches them from
 * (what is published there may rotate), or the RFC 7638 thumbprints of the key set it registered inline.
 */
export type ApprovedKeys = { jwksUri: string } | { thumbprints: string[] };

/** What an approval vouches for: where codes may be sent, which grants the client may use, how it authenticates. */
export interface ApprovedMetadata {
  redirectUris: string[];
  grantTypes: string[];
  tokenEndpointAuthMethod: string;
  /** Null when the client registered no keys. */
  keys: ApprovedKeys | null;
}

type Reviewed = Pick<
  Client,
  "id" | "name" | "source" | "status" | "redirectUris" | "grantTypes" | "tokenEndpointAuthMethod" | "metadata" | "approvedMetadata"
>;

/** A key's RFC 7638 thumbprint; a key jose cannot read is named by a digest of its JSON instead, so it still counts. */
async function thumbprintOf(key: unknown): Promise<string> {
  try {
    return await calculateJwkThumbprint(key as JWK, "sha256");
  } catch {
    return `unreadable-key-${createHash("sha256").update(JSON.stringify(key)).digest("base64url")}`;
  }
}

/** The keys in a client's stored or validated metadata (`jwks_uri` or `jwks`), or null when it has none. */
export async function clientKeysOf(metadata: unknown): Promise<ApprovedKeys | null> {
  const { jwks, jwks_uri } = (metadata ?? {}) as { jwks?: { keys?: unknown }; jwks_uri?: unknown };
  if (typeof jwks_uri === "string") return { jwksUri: jwks_uri };
  if (!Array.isArray(jwks?.keys)) return null;
  return { thumbprints: [...new Set(await Promise.all(jwks.keys.map(thumbprintOf)))].sort() };
}

/** The client's current values, as an approval of it now would cover them. */
async function currentMetadataOf(client: Reviewed): Promise<ApprovedMetadata> {
  return {
    redirectUris: client.redirectUris,
    grantTypes: client.grantTypes,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    keys: await clientKeysOf(client.metadata),
  };
}

/**
 * The set the client's approval covered: the stored snapshot, or — when nothing has changed since — its current values.
 * A snapshot taken before keys were part of it covers the keys the client had when it changed.
 */
export async function approvedMetadataOf(client: Reviewed): Promise<ApprovedMetadata> {
  const snapshot = client.approvedMetadata as Partial<ApprovedMetadata> | null;
  if (snapshot && Array.isArray(snapshot.redirectUris) && Array.isArray(snapshot.grantTypes) && typeof snapshot.tokenEndpointAuthMethod === "string") {
    return {
      redirectUris: snapshot.redirectUris,
      grantTypes: snapshot.grantTypes,
      tokenEndpointAuthMethod: snapshot.tokenEndpointAuthMethod,
      keys: snapshot.keys === undefined ? await clientKeysOf(client.metadata) : snapshot.keys,
    };
  }
  return currentMetadataOf(client);
}

/** Keys in `next` the approval did not cover: another `jwks_uri`, or a key not in the approved key set. */
function unapprovedKeys(approved: ApprovedKeys | null, next: ApprovedKeys | null): string[] {
  if (!next) return [];
  if ("jwksUri" in next) return approved && "jwksUri" in approved && approved.jwksUri === next.jwksUri ? [] : [`jwks_uri ${next.jwksUri}`];
  const known = approved && "thumbprints" in approved ? approved.thumbprints : [];
  return next.thumbprints.filter((t) => !known.includes(t)).map((t) => `signing key ${t}`);
}

/** Values of `next` the approval did not cover, as a reviewer reads them; empty when `next` is a subset of `approved`. */
export function unapprovedValues(approved: ApprovedMetadata, next: ApprovedMetadata): string[] {
  return [
    ...next.redirectUris.filter((u) => !approved.redirectUris.includes(u)).map((u) => `redirect URI ${u}`),
    ...next.grantTypes.filter((g) => !approved.grantTypes.includes(g)).map((g) => `grant type ${g}`),
    ...(next.tokenEndpointAuthMethod === approved.tokenEndpointAuthMethod ? [] : [`token endpoint auth method ${next.tokenEndpointAuthMethod}`]),
    ...unapprovedKeys(approved.keys, next.keys),
  ];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}

function sameKeys(a: ApprovedKeys | null, b: ApprovedKeys | null): boolean {
  if (!a || !b) return a === b;
  if ("jwksUri" in a || "jwksUri" in b) return "jwksUri" in a && "jwksUri" in b && a.jwksUri === b.jwksUri;
  return sameSet(a.thumbprints, b.thumbprints);
}

/** True when `next` differs from the client's stored redirect URIs, grant types, auth method or keys. */
export async function securityMetadataChanged(client: Reviewed, next: ApprovedMetadata): Promise<boolean> {
  return (
    !sameSet(client.redirectUris, next.redirectUris) ||
    !sameSet(client.grantTypes, next.grantTypes) ||
    client.tokenEndpointAuthMethod !== next.tokenEndpointAuthMethod ||
    !sameKeys(await clientKeysOf(client.metadata), next.keys)
  );
}

export interface ClientChangeReview {
  from: Client["status"];
  status: Client["status"];
  unapproved: string[];
  consentsWithdrawn: number;
}

/**
 * Applies a change of a client's redirect URIs, grant types, token endpoint auth method or keys — from any source — inside
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
  const approved = await approvedMetadataOf(client);
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
  const before = await currentMetadataOf(client);
  const outcome = toReview ? `${client.status} → pending for review` : rule ? `still active: ${describeRule(rule)}` : `still ${client.status}`;
  await appendAudit(tx, [
    {
      kind: "client.changed",
      actor: "system",
      clientId: client.id,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason:
        `client ${updated.name} changed its redirect URIs, grant types, auth method or keys` +
        (unapproved.length > 0 ? ` (not approved: ${unapproved.join(", ")})` : " (within what was approved)") +
        `; ${outcome}; ${consentsWithdrawn} remembered consent(s) dropped`,
      detail: { before, after: next, approved, unapproved, from: client.status, to: status, rule, consentsWithdrawn },
    },
  ]);
  return { client: updated, review: { from: client.status, status, unapproved, consentsWithdrawn } };
}
