import { db } from "@/lib/db/client";
import { keyRing } from "@/lib/keys/key-ring";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

export interface Readiness {
  ready: boolean;
  checks: Record<"database" | "signing_keys" | "policy", "ok" | "failed" | "timeout">;
}

const TIMEOUT_MS = 1500;

async function probe(run: () => Promise<unknown>): Promise<"ok" | "failed" | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), TIMEOUT_MS)));
  try {
    return await Promise.race([run().then(() => "ok" as const), timeout]);
  } catch {
    return "failed";
  } finally {
    clearTimeout(timer);
  }
}

/** Whether this instance can serve: the database answers and the in-memory state it needs is loaded. */
export async function checkReadiness(): Promise<Readiness> {
  const [database, signingKeys, policy] = await Promise.all([
    probe(() => db().$queryRaw`SELECT 1`),
    probe(() => keyRing()),
    probe(() => policySnapshot()),
  ]);
  const checks = { database, signing_keys: signingKeys, policy };
  return { ready: Object.values(checks).every((c) => c === "ok"), checks };
}
