/**
 * The suite's view of the server's database, through lib/ as the CLI uses it (a guest of the embedded database while
 * the server runs, or PostgreSQL directly). Imported only after the environment names the server's data.
 */
import { SignJWT, type JWTPayload } from "jose";
import type { AuditContext } from "@/lib/audit";
import { createFirstAdmin } from "@/lib/auth/create-first-admin";
import { approveClient } from "@/lib/clients/approve-client";
import { rejectClient } from "@/lib/clients/reject-client";
import { suspendClient } from "@/lib/clients/suspend-client";
import { db } from "@/lib/db/client";
import { SIGNING_ALG } from "@/lib/keys/create-signing-key";
import { keyRing } from "@/lib/keys/key-ring";
import { hashCredential } from "@/lib/oauth/secrets";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";
import { startPortcullis } from "@/lib/startup";
import { ACCESS_TOKEN_TYPE } from "@/lib/access-tokens/access-token-claims";
import { createUser } from "@/lib/users/create-user";

const CTX: AuditContext = { actor: "cli" };

export async function openDatabase(): Promise<() => Promise<void>> {
  const started = await startPortcullis("cli");
  return () => started.stop();
}

export async function seedUsers(password: string) {
  const admin = await createFirstAdmin({ email: "admin@attack.test", name: "Attack Admin", password }, { ip: null });
  const reviewer = await createUser({ email: "reviewer@attack.test", name: "Attack Reviewer", password, roles: ["access_reviewer"] }, CTX);
  const developer = await createUser({ email: "developer@attack.test", name: "Attack Developer", password, roles: ["developer"] }, CTX);
  const service = await createUser({ email: "svc@attack.test", name: "Attack Service", kind: "service", roles: ["access_reviewer"] }, CTX);
  return { admin, reviewer, developer, service };
}

/** The suite registers a few dozen clients from one address; the default 20 an hour (and 20 pending) would stop it half-way. */
export async function allowManyRegistrations(): Promise<void> {
  await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, ...MANY_REGISTRATIONS }, CTX);
}

const MANY_REGISTRATIONS = { registrationRateLimit: { max: 1000, windowSeconds: 3600 }, maxPendingClientsPerAddress: 1000 };

/** The suite's registration policy with a lower per-address pending cap (null: back to the suite's own). */
export async function setPendingCapPerAddress(cap: number | null): Promise<void> {
  await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, ...MANY_REGISTRATIONS, ...(cap ? { maxPendingClientsPerAddress: cap } : {}) }, CTX);
}

/** Audit rows in the log now (growth under a flood is measured by difference). */
export async function auditLength(): Promise<number> {
  return db().auditEvent.count();
}

/** Failed sign-ins recorded for an account, by reason ("wrong password": the password was actually verified). */
export async function countFailedSignIns(email: string, reason: string): Promise<number> {
  return db().auditEvent.count({ where: { kind: "admin.login_failed", reason, detail: { path: ["email"], equals: email } } });
}

export async function createUserForAttack(email: string, password: string) {
  return createUser({ email, name: email, password, roles: ["developer"] }, CTX);
}

export async function setClientStatus(clientId: string, status: "active" | "rejected" | "suspended", serviceUser?: string): Promise<void> {
  if (status === "rejected") {
    await rejectClient(clientId, "attack suite fixture", CTX);
    return;
  }
  await approveClient(clientId, "attack suite fixture", CTX, serviceUser ? { serviceUser } : {});
  if (status === "suspended") await suspendClient(clientId, "attack suite fixture", CTX);
}

export async function clientStatus(clientId: string): Promise<string | null> {
  return (await db().client.findUnique({ where: { id: clientId }, select: { status: true } }))?.status ?? null;
}

export async function expireAuthorizationCode(code: string): Promise<number> {
  const { count } = await db().authorizationCode.updateMany({ where: { codeHash: hashCredential(code) }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  return count;
}

export async function countAudit(where: { kind: string; actor?: string; subject?: string; clientId?: string; ip?: string }): Promise<number> {
  return db().auditEvent.count({ where });
}

export async function grantOfAccessToken(jti: string) {
  return db().accessToken.findUnique({ where: { jti }, select: { revokedAt: true, grant: { select: { revokedAt: true } } } });
}

export async function settingValue(key: string): Promise<unknown> {
  return (await db().setting.findUnique({ where: { key } }))?.value ?? null;
}

export async function userRoles(userId: string): Promise<string[]> {
  return (await db().userRole.findMany({ where: { userId }, select: { role: { select: { name: true } } } })).map((r) => r.role.name).sort();
}

/**
 * A JWT signed with the deployment's real signing key (or with `kid` overridden) — to forge tokens whose only flaw is
 * the claim under test (expired, another audience, another issuer).
 */
export async function signWithRealKey(claims: JWTPayload, header: { kid?: string } = {}): Promise<string> {
  const ring = await keyRing();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: header.kid ?? ring.active.kid, typ: ACCESS_TOKEN_TYPE })
    .sign(ring.active.privateKey);
}
