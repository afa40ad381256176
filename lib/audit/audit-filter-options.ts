import { AUDIT_AREAS } from "@/lib/audit/audit-filter";
import { AUDIT_KINDS } from "@/lib/audit/types";
import type { Db } from "@/lib/db/client";

export interface AuditFilterOptions {
  areas: string[];
  kinds: string[];
  clients: Array<{ id: string; name: string }>;
  tools: string[];
}

/** Choices for the audit filters: event kinds, and the clients and tools Portcullis knows (suggestions, not limits). */
export async function auditFilterOptions(database: Db): Promise<AuditFilterOptions> {
  const [clients, tools] = await Promise.all([
    database.client.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 }),
    database.tool.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
  ]);
  return { areas: AUDIT_AREAS, kinds: [...AUDIT_KINDS].sort(), clients, tools: tools.map((t) => t.name) };
}
