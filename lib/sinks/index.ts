export { addAuditSink } from "@/lib/sinks/add-audit-sink";
export { listSinkHealth, type SinkHealth } from "@/lib/sinks/list-sink-health";
export { removeAuditSink } from "@/lib/sinks/remove-audit-sink";
export { startAuditSinks, type AuditSinkDeliverer } from "@/lib/sinks/start-audit-sinks";
export { testAuditSink } from "@/lib/sinks/test-audit-sink";
