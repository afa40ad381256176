import { randomBytes } from "node:crypto";
import { appendAudit, type AuditContext, type AuditEventInput } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { admitPendingClient } from "@/lib/clients/admit-pending-client";
import { defaultAllowedScopes } from "@/lib/clients/default-allowed-scopes";
import { describeRule, matchAutoApproveRule } from "@/lib/clients/match-auto-approve-rule";
import { validateClientMetadata } from "@/lib/clients/validate-client-metadata";
import { TooManyRequests } from "@/lib/oauth/errors";
import { SECRET_AUTH_METHODS } from "@/lib/oauth/constants";
import { CREDENTIAL_PREFIX, generateCredential, hashCredential } from "@/lib/oauth/secrets";
import { addressBucket, hitRateLimit, registrationsPerAddress } from "@/lib/rate-limit";
import { registrationPolicy } from "@/lib/settings/registration-policy";

// Registrations are rare; serialising them makes the pending-client cap exact.
const REGISTRATION_LOCK = 7_207_369_011;

export interface RegisteredClient {
  clientId: string;
  /** Only for confidential clients, and only here: it is stored hashed and never shown again. */
  clientSecret: string | null;
  issuedAt: Date;
  status: "pending" | "active";
  name: string;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: string;
  allowedScopes: string[];
  metadata: Record<string, unknown>;
}

/**
 * Dynamic Client Registration (RFC 7591 §3): validates the metadata against the registration policy, applies the
 * per-address rate limit (counted in the shared database, by address bucket) and the pending-client caps (in total and
 * per address bucket), and stores the client — `pending` unless an auto-approve rule matches.
 */
export async function registerClient(raw: Record<string, unknown>, ctx: AuditContext): Promise<RegisteredClient> {
  const policy = await registrationPolicy();
  const { max, windowSeconds } = policy.registrationRateLimit;
  const hit = await hitRateLimit(registrationsPerAddress(max, windowSeconds), addressBucket(ctx.ip));
  if (!hit.allowed) throw new TooManyRequests(`Too many client registrations from this address; retry in ${hit.retryAfter} seconds.`, hit.retryAfter);

  const client = validateClientMetadata(raw, "dcr", policy);
  const clientId = `pcl_${randomBytes(16).toString("base64url")}`;
  // A private_key_jwt client proves itself with its own key: it is given no secret.
  const usesSecret = SECRET_AUTH_METHODS.includes(client.tokenEndpointAuthMethod);
  const clientSecret = usesSecret ? generateCredential(CREDENTIAL_PREFIX.clientSecret) : null;
  const rule = matchAutoApproveRule({ source: "dcr", id: clientId, redirectUris: client.redirectUris }, policy.autoApprove);

  return changeTransaction(["policy"], async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REGISTRATION_LOCK})`);
    const pruned = rule ? [] : await admitPendingClient(tx, policy, ctx);
    const allowedScopes = await defaultAllowedScopes(tx, policy, client.requestedScopes);
    const now = new Date();
    const status = rule ? "active" : "pending";
    await tx.client.create({
      data: {
        id: clientId,
        name: client.name,
        status,
        source: "dcr",
        statusReason: rule ? `auto-approved: ${describeRule(rule)}` : null,
        statusChangedAt: rule ? now : null,
        statusChangedBy: rule ? "system" : null,
        tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
        secretHash: clientSecret ? hashCredential(clientSecret) : null,
        redirectUris: client.redirectUris,
        grantTypes: client.grantTypes,
        responseTypes: client.responseTypes,
        requestedScopes: client.requestedScopes,
        allowedScopes,
        clientUri: client.clientUri,
        logoUri: client.logoUri,
        softwareId: client.softwareId,
        softwareVersion: client.softwareVersion,
        metadata: client.metadata as object,
        registrationIp: ctx.ip ?? null,
        createdAt: now,
      },
    });
    const events: AuditEventInput[] = [
      ...pruned,
      {
        kind: "client.registered",
        actor: ctx.actor,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: allowedScopes,
        reason: `client ${client.name} registered by dynamic registration from ${ctx.ip ?? "an unknown address"}; ${rule ? "auto-approved" : "pending approval"}`,
        detail: {
          source: "dcr",
          redirectUris: client.redirectUris,
          grantTypes: client.grantTypes,
          tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
          requestedScopes: client.requestedScopes,
          allowedScopes,
          softwareId: client.softwareId,
        },
      },
    ];
    if (rule) {
      events.push({
        kind: "client.approved",
        actor: "system",
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: allowedScopes,
        reason: `client ${client.name} auto-approved by the registration policy: ${describeRule(rule)}`,
        detail: { rule },
      });
    }
    await appendAudit(tx, events);
    return {
      clientId,
      clientSecret,
      issuedAt: now,
      status,
      name: client.name,
      redirectUris: client.redirectUris,
      grantTypes: client.grantTypes,
      responseTypes: client.responseTypes,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
      allowedScopes,
      metadata: client.metadata,
    };
  });
}
