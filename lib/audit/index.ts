export { appendAudit } from "@/lib/audit/append-audit";
export { canonicalJson, chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
export { listAuditEvents, type AuditEventView } from "@/lib/audit/list-audit-events";
export { recordAudit } from "@/lib/audit/record-audit";
export { CLI_CONTEXT, SYSTEM_CONTEXT, userActor, type AuditContext } from "@/lib/audit/context";
export { AUDIT_KINDS, type AuditEventInput, type AuditKind, type AuditRecord } from "@/lib/audit/types";
export { verifyAuditChain, type ChainBreak, type ChainReport } from "@/lib/audit/verify-audit-chain";
