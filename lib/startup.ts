import { startAuditCheckpoints, stopAuditCheckpoints } from "@/lib/audit/schedule-audit-checkpoints";
import { startAuditPartitionMaintenance } from "@/lib/audit/schedule-audit-partitions";
import { watchChanges } from "@/lib/changes/watch-changes";
import { closeDatabase, db } from "@/lib/db/client";
import { openDatabase, type OpenDatabase } from "@/lib/db/open-database";
import type { EmbeddedRole } from "@/lib/db/embedded";
import { needsSetup } from "@/lib/auth/create-first-admin";
import { setupTokenNotice, setupTokenRequired } from "@/lib/auth/setup-token";
import { disableNextTelemetry } from "@/lib/disable-next-telemetry";
import { env } from "@/lib/env";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { startMaintenance } from "@/lib/maintenance/start-maintenance";
import { syncTools } from "@/lib/mcp/sync-tools";
import { startMirrorRefresh } from "@/lib/gateway/schedule-mirror-refresh";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { seedPolicy } from "@/lib/policy/seed-policy";
import { startAuditSinks } from "@/lib/sinks/start-audit-sinks";
import { flushUsage } from "@/lib/usage/note-usage";

export interface Started {
  database: OpenDatabase;
  stop(): Promise<void>;
}

/** Everything a Portcullis process needs before it serves anything: database, migrations, seeded policy and tools. */
export async function startPortcullis(role: EmbeddedRole): Promise<Started> {
  // Before the server creates the Next.js app, which reads it once.
  if (role === "server") disableNextTelemetry();
  const database = await openDatabase(role);
  await seedPolicy(db());
  // The tools a server serves are the ones in its code: only a server mirrors them into the policy (a CLI command
  // from another checkout must not add or remove what the running server offers).
  if (role === "server") await syncTools();
  await ensureSigningKey();
  // The only place the token is ever written: this process's console, not the log.
  if (role === "server" && setupTokenRequired() && (await needsSetup())) process.stdout.write(setupTokenNotice(env().issuer));
  // Long-running servers follow changes made elsewhere; a CLI command is over before it would matter.
  const config = env();
  const watcher =
    role === "server"
      ? await watchChanges(database.url, { listen: !database.embedded && config.changeListen, pollMs: config.reconcileMs })
      : undefined;
  if (role === "server") startAuditCheckpoints();
  // Every server instance sweeps expired artefacts and summarises closed throttle windows (safe concurrently).
  const maintenance = role === "server" ? startMaintenance() : undefined;
  // Audit partitions ahead of time, and retention when set (PostgreSQL; nothing on the embedded database).
  const auditPartitions = role === "server" ? startAuditPartitionMaintenance() : undefined;
  // Upstream servers' tools are listed again periodically, so a change upstream is held even without a notification.
  const stopMirrorRefresh = role === "server" ? startMirrorRefresh() : undefined;
  // Audit sinks stream the chain from every server; a lease per sink keeps each delivered by one instance at a time.
  const sinks = role === "server" ? startAuditSinks() : undefined;
  return {
    database,
    async stop() {
      await maintenance?.stop();
      await auditPartitions?.stop();
      stopMirrorRefresh?.();
      await closeUpstreams();
      await sinks?.stop();
      await watcher?.stop();
      await flushUsage();
      // A server leaves its last events anchored by a signed checkpoint; a CLI command only lets one in progress end.
      await stopAuditCheckpoints({ final: role === "server" });
      await closeDatabase();
      await database.close();
    },
  };
}
