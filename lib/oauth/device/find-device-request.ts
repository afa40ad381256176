import type { Client } from "@/lib/clients/find-client";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { normalizeUserCode } from "@/lib/oauth/device/user-code";
import { hitRateLimit, LIMITS } from "@/lib/rate-limit";

export interface DeviceRequest {
  userCode: string;
  client: Client;
  scopes: string[];
  expiresAt: Date;
  /** The protected resource the token will be for (RFC 8707). */
  resource: string;
}

/**
 * The pending device authorization a signed-in user's code names, or null (unknown, expired, already answered).
 * Lookups are rate-limited per user so the user-code space cannot be searched (RFC 8628 §5.1).
 */
export async function findDeviceRequest(input: string, userId: string): Promise<DeviceRequest | null> {
  await countUserCodeAttempt(userId);
  const userCode = normalizeUserCode(input);
  if (!userCode) return null;
  const row = await db().deviceCode.findUnique({ where: { userCode } });
  if (!row || row.status !== "pending" || row.expiresAt.getTime() <= Date.now()) return null;
  const client = await db().client.findUnique({ where: { id: row.clientId } });
  if (!client) return null;
  return { userCode, client, scopes: row.scopes, expiresAt: row.expiresAt, resource: row.resource };
}

/**
 * One try of a user code by a signed-in user — a lookup or an answer — counted before the code is looked up, so the
 * user-code space cannot be searched by either door (RFC 8628 §5.1).
 */
export async function countUserCodeAttempt(userId: string): Promise<void> {
  const hit = await hitRateLimit(LIMITS.deviceUserCode, userId);
  if (!hit.allowed) throw new AppError("rate_limited", `Too many codes tried; wait ${Math.ceil(hit.retryAfter / 60)} minute(s).`);
}
