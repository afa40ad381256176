import { appendAudit, type AuditContext, type AuditEventInput } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { admitPendingClient } from "@/lib/clients/admit-pending-client";
import { defaultAllowedScopes } from "@/lib/clients/default-allowed-scopes";
import { ClientMetadataDocumentError, fetchClientMetadataDocument } from "@/lib/clients/fetch-client-metadata-document";
import { describeRule, matchAutoApproveRule } from "@/lib/clients/match-auto-approve-rule";
import { clientKeysOf, reviewClientChange, securityMetadataChanged } from "@/lib/clients/review-client-change";
import { validateClientMetadata } from "@/lib/clients/validate-client-metadata";
import { db } from "@/lib/db/client";
import type { Client } from "@/lib/db/generated/client";
import { env } from "@/lib/env";
import { isOAuthError, TemporarilyUnavailable } from "@/lib/oauth/errors";
import { registrationPolicy } from "@/lib/settings/registration-policy";

const REGISTRATION_LOCK = 7_207_369_011;

/**
 * The client behind a Client ID Metadata Document URL: the stored record while its cached document is fresh, otherwise
 * the document fetched again and validated (its `client_id` must equal the URL exactly). A first sight creates the
 * client — `pending` unless a trusted-domain rule approves it — so it follows the same lifecycle as a registered one,
 * keyed by the URL. A document that changes its redirect URIs, grant types, auth method or keys beyond what was approved
 * sends the client back to review (reviewClientChange); a new name alone is recorded without touching policy.
 * Throws ClientMetadataDocumentError with a reason that is safe to show.
 */
export async function resolveMetadataDocumentClient(url: string, ctx: AuditContext): Promise<Client> {
  const stored = await db().client.findUnique({ where: { id: url } });
  if (stored && stored.metadataExpiresAt && stored.metadataExpiresAt.getTime() > Date.now()) return stored;

  const fetched = await fetchClientMetadataDocument(url, { allowPrivate: env().cimdAllowPrivate });
  if (fetched.document.client_id !== url) {
    throw new ClientMetadataDocumentError("client metadata document's client_id does not match its URL");
  }
  const policy = await registrationPolicy();
  let metadata;
  try {
    metadata = validateClientMetadata(fetched.document, "cimd", policy);
  } catch (error) {
    if (isOAuthError(error)) throw new ClientMetadataDocumentError(`client metadata document is invalid: ${error.description}`);
    throw error;
  }
  const fields = {
    name: metadata.name,
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    responseTypes: metadata.responseTypes,
    requestedScopes: metadata.requestedScopes,
    tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
    clientUri: metadata.clientUri,
    logoUri: metadata.logoUri,
    softwareId: metadata.softwareId,
    softwareVersion: metadata.softwareVersion,
    metadata: metadata.metadata as object,
    metadataFetchedAt: fetched.fetchedAt,
    metadataExpiresAt: fetched.expiresAt,
  };

  if (stored) {
    const next = {
      redirectUris: metadata.redirectUris,
      grantTypes: metadata.grantTypes,
      tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
      keys: await clientKeysOf(metadata.metadata),
    };
    if (await securityMetadataChanged(stored, next)) {
      return changeTransaction(["policy"], async (tx) => {
        // Re-read under the transaction: a concurrent refresh may already have applied (and reviewed) this change.
        const current = await tx.client.findUniqueOrThrow({ where: { id: url } });
        if (!(await securityMetadataChanged(current, next))) return tx.client.update({ where: { id: url }, data: fields });
        return (await reviewClientChange(tx, current, next, fields, ctx, policy.autoApprove)).client;
      });
    }
    if (stored.name === metadata.name) return db().client.update({ where: { id: url }, data: fields });
    // A new name alone changes no policy: recorded, but no `policy` epoch bump, so a document that keeps renaming itself
    // cannot make every instance reload policy on each fetch.
    return db().$transaction(async (tx) => {
      const updated = await tx.client.update({ where: { id: url }, data: fields });
      await appendAudit(tx, [
        {
          kind: "client.updated",
          actor: "system",
          clientId: url,
          ip: ctx.ip,
          requestId: ctx.requestId,
          reason: `client ${stored.name}'s metadata document renamed it ${metadata.name}`,
          detail: { before: { name: stored.name }, after: { name: metadata.name } },
        },
      ]);
      return updated;
    });
  }

  const rule = matchAutoApproveRule({ source: "cimd", id: url, redirectUris: metadata.redirectUris }, policy.autoApprove);
  return changeTransaction(["policy"], async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REGISTRATION_LOCK})`);
    const raced = await tx.client.findUnique({ where: { id: url } });
    if (raced) return raced;
    // The same pending caps as registration (in total and per address bucket, with optional pruning), shown on the
    // authorization page as a metadata-document problem.
    const pruned = rule
      ? []
      : await admitPendingClient(tx, policy, ctx).catch((error: unknown) => {
          if (error instanceof TemporarilyUnavailable) throw new ClientMetadataDocumentError(error.description);
          throw error;
        });
    const allowedScopes = await defaultAllowedScopes(tx, policy, metadata.requestedScopes);
    const now = new Date();
    const client = await tx.client.create({
      data: {
        id: url,
        source: "cimd",
        status: rule ? "active" : "pending",
        statusReason: rule ? `auto-approved: ${describeRule(rule)}` : null,
        statusChangedAt: rule ? now : null,
        statusChangedBy: rule ? "system" : null,
        allowedScopes,
        registrationIp: ctx.ip ?? null,
        ...fields,
      },
    });
    const events: AuditEventInput[] = [
      ...pruned,
      {
        kind: "client.registered",
        actor: ctx.actor,
        clientId: url,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: allowedScopes,
        reason: `client ${metadata.name} first seen by its metadata document ${url}; ${rule ? "auto-approved" : "pending approval"}`,
        detail: { source: "cimd", redirectUris: metadata.redirectUris, grantTypes: metadata.grantTypes, requestedScopes: metadata.requestedScopes, allowedScopes },
      },
    ];
    if (rule) {
      events.push({
        kind: "client.approved",
        actor: "system",
        clientId: url,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: allowedScopes,
        reason: `client ${metadata.name} auto-approved by the registration policy: ${describeRule(rule)}`,
        detail: { rule },
      });
    }
    await appendAudit(tx, events);
    return client;
  });
}
