// Records audit events in the e2e server's database through the real hash-chain writer, standing in for the MCP
// endpoint's decisions until it exists: `tsx e2e/support/record-events.ts '[{"kind":"decision.deny",…}]'`.
import { recordAudit, type AuditEventInput } from "@/lib/audit";
import { startPortcullis } from "@/lib/startup";

const events = JSON.parse(process.argv[2] ?? "[]") as AuditEventInput[];
const started = await startPortcullis("cli");
try {
  for (const event of events) await recordAudit(event);
} finally {
  await started.stop();
}
