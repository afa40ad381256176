import { z } from "zod";
import { AUDIT_KINDS } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "query_audit",
  title: "Query the audit log",
  description:
    "Reads the tamper-evident audit log, newest first: decisions (allow and deny, with reason paths), token, client, " +
    "grant and policy events. Filter by kind, actor, subject, client, tool, decision or time; page with before_seq " +
    "(pass the next_before_seq of the previous page).",
  requiredScope: "audit:read",
  input: z
    .object({
      kind: z.array(z.enum(AUDIT_KINDS)).max(AUDIT_KINDS.length).optional().describe("Only these event kinds"),
      actor: z.string().max(400).optional().describe("e.g. user:<id>, cli, system"),
      subject: z.string().max(400).optional().describe("The user id an event concerns"),
      client_id: z.string().max(2048).optional(),
      tool: z.string().max(200).optional(),
      decision: z.enum(["allow", "deny"]).optional(),
      since: z.iso.datetime({ offset: true }).optional().describe("ISO 8601 time; only events at or after it"),
      before_seq: z.string().regex(/^\d{1,19}$/, "before_seq must be a sequence number").optional(),
      limit: z.number().int().min(1).max(200).default(50),
    })
    .strict(),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(input) {
    const rows = await db().auditEvent.findMany({
      where: {
        kind: input.kind?.length ? { in: input.kind } : undefined,
        actor: input.actor,
        subject: input.subject,
        clientId: input.client_id,
        tool: input.tool,
        decision: input.decision,
        at: input.since ? { gte: new Date(input.since) } : undefined,
        seq: input.before_seq ? { lt: BigInt(input.before_seq) } : undefined,
      },
      orderBy: { seq: "desc" },
      take: input.limit,
    });
    return {
      events: rows.map((e) => ({
        seq: e.seq.toString(),
        at: e.at.toISOString(),
        kind: e.kind,
        actor: e.actor,
        subject: e.subject,
        client_id: e.clientId,
        tool: e.tool,
        scopes: e.scopes,
        decision: e.decision,
        reason: e.reason,
        request_id: e.requestId,
        ip: e.ip,
        detail: e.detail,
        hash: e.hash,
      })),
      next_before_seq: rows.length === input.limit ? rows[rows.length - 1].seq.toString() : null,
    };
  },
});
