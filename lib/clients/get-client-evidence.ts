import { getClient, type ClientDetail } from "@/lib/clients/get-client";
import { assessClientRisk, type ClientRiskAssessment } from "@/lib/clients/assess-client-risk";
import { LOOK_ALIKE_CANDIDATES } from "@/lib/clients/find-look-alikes";
import { groupNearDuplicates, type DuplicateGroup } from "@/lib/clients/near-duplicates";
import type { ApprovedMetadata } from "@/lib/clients/review-client-change";
import { redirectUriRisks, type RedirectUriRisk } from "@/lib/clients/redirect-uri-risks";
import { db } from "@/lib/db/client";

/** Lifecycle events shown as a client's status history. */
export const CLIENT_HISTORY_KINDS = ["client.registered", "client.approved", "client.rejected", "client.suspended", "client.reactivated", "client.updated", "client.changed"];

export interface ClientHistoryEntry {
  seq: string;
  at: Date;
  kind: string;
  actor: string | null;
  /** The actor as a person reads it: a user's email, `cli`, `system`. */
  actorLabel: string | null;
  reason: string | null;
}

export interface ClientUsage {
  grants: number;
  liveGrants: number;
  accessTokens: number;
  liveAccessTokens: number;
  firstTokenAt: Date | null;
  lastTokenAt: Date | null;
}

/** A change of redirect URIs, grant types or auth method that sent an approved client back to review. */
export interface ClientChangeEvidence {
  at: Date;
  before: ApprovedMetadata;
  after: ApprovedMetadata;
  /** What the new set adds beyond what was approved, as a reviewer reads it. */
  unapproved: string[];
}

export interface ClientEvidence {
  client: ClientDetail;
  risks: RedirectUriRisk[];
  /** The one rating and one-line summary shown for this client everywhere. */
  risk: ClientRiskAssessment;
  /** This client and every look-alike, side by side: what a reviewer compares. */
  comparison: LookAlikeProfile[];
  /** Requested scopes the server does not know (asked for, never grantable). */
  unknownRequestedScopes: string[];
  duplicates: DuplicateGroup[];
  usage: ClientUsage;
  history: ClientHistoryEntry[];
  /** Why a once-approved client is pending again: the change it made. Null for any other client. */
  pendingChange: ClientChangeEvidence | null;
}

/** One registration as the side-by-side comparison shows it. */
export interface LookAlikeProfile {
  id: string;
  name: string;
  status: string;
  source: string;
  redirectUris: string[];
  requestedScopes: string[];
  registrationIp: string | null;
  createdAt: Date;
  /** For a metadata-document client, the host serving its document. */
  metadataHost: string | null;
  softwareId: string | null;
}

const COMPARED_LOOK_ALIKES = 5;

function metadataHostOf(client: { source: string; id: string }): string | null {
  return client.source === "cimd" && URL.canParse(client.id) ? new URL(client.id).hostname : null;
}

function pendingChangeOf(history: { at: Date; kind: string; detail: unknown }[]): ClientChangeEvidence | null {
  const latest = history.find((e) => e.kind !== "client.updated");
  if (latest?.kind !== "client.changed") return null;
  const detail = latest.detail as Partial<ClientChangeEvidence> & { to?: string };
  if (detail.to !== "pending" || !detail.before || !detail.after) return null;
  return { at: latest.at, before: detail.before, after: detail.after, unapproved: detail.unapproved ?? [] };
}


/** Everything a reviewer weighs before approving a client (DESIGN §2), in one read. Throws not_found. */
export async function getClientEvidence(clientId: string, now = new Date()): Promise<ClientEvidence> {
  const client = await getClient(clientId);
  const database = db();
  const [candidates, grants, liveGrants, tokens, liveTokens, history, known] = await Promise.all([
    database.client.findMany({
      orderBy: { createdAt: "desc" },
      take: LOOK_ALIKE_CANDIDATES,
      select: { id: true, name: true, status: true, source: true, redirectUris: true, softwareId: true, createdAt: true },
    }),
    database.grant.count({ where: { clientId } }),
    database.grant.count({ where: { clientId, revokedAt: null } }),
    database.accessToken.aggregate({ where: { grant: { clientId } }, _count: { _all: true }, _min: { issuedAt: true }, _max: { issuedAt: true } }),
    database.accessToken.count({ where: { grant: { clientId }, revokedAt: null, expiresAt: { gt: now } } }),
    database.auditEvent.findMany({
      where: { clientId, kind: { in: CLIENT_HISTORY_KINDS } },
      orderBy: { seq: "desc" },
      take: 50,
      select: { seq: true, at: true, kind: true, actor: true, reason: true, detail: true },
    }),
    database.scope.findMany({ where: { name: { in: client.requestedScopes } }, select: { name: true } }),
  ]);
  const knownNames = new Set(known.map((s) => s.name));
  const actorIds = [...new Set([...history.map((e) => e.actor), client.statusChangedBy].flatMap((a) => (a?.startsWith("user:") ? [a.slice(5)] : [])))];
  const actors = actorIds.length ? await database.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } }) : [];
  const emails = new Map(actors.map((a) => [`user:${a.id}`, a.email]));
  const duplicates = groupNearDuplicates({ ...client, softwareId: client.softwareId }, candidates);
  const lookAlikes = duplicates.flatMap((g) => g.clients);
  const compared = lookAlikes.slice(0, COMPARED_LOOK_ALIKES).map((c) => c.id);
  const others = compared.length
    ? await database.client.findMany({
        where: { id: { in: compared } },
        select: { id: true, name: true, status: true, source: true, redirectUris: true, requestedScopes: true, registrationIp: true, createdAt: true, softwareId: true },
      })
    : [];
  const profile = (c: Omit<LookAlikeProfile, "metadataHost">): LookAlikeProfile => ({ ...c, metadataHost: metadataHostOf(c) });
  return {
    client: { ...client, statusChangedBy: client.statusChangedBy ? (emails.get(client.statusChangedBy) ?? client.statusChangedBy) : null },
    risks: redirectUriRisks({ id: client.id, source: client.source, redirectUris: client.redirectUris, clientUri: client.clientUri, grantTypes: client.grantTypes }),
    risk: assessClientRisk({ ...client, lookAlikes: lookAlikes.map((c) => c.name) }),
    comparison: lookAlikes.length
      ? [profile(client), ...compared.flatMap((id) => others.filter((o) => o.id === id).map(profile))]
      : [],
    unknownRequestedScopes: client.requestedScopes.filter((s) => !knownNames.has(s)),
    duplicates,
    usage: {
      grants,
      liveGrants,
      accessTokens: tokens._count._all,
      liveAccessTokens: liveTokens,
      firstTokenAt: tokens._min.issuedAt,
      lastTokenAt: tokens._max.issuedAt,
    },
    history: history.map(({ detail: _detail, ...e }) => ({ ...e, seq: e.seq.toString(), actorLabel: e.actor ? (emails.get(e.actor) ?? e.actor) : null })),
    pendingChange: client.status === "pending" ? pendingChangeOf(history) : null,
  };
}
