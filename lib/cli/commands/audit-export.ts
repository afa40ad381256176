import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { auditFilterInput, auditFilterSchema } from "@/lib/audit/audit-filter";
import { startAuditExport } from "@/lib/audit/start-audit-export";
import { defineCommand } from "@/lib/cli/command";
import { AppError, describeIssues } from "@/lib/errors";

export default defineCommand({
  name: "audit export",
  summary: "Write the audit log, filtered as in the console, as CSV or JSON Lines to standard output",
  options: {
    format: { type: "string", value: "csv|jsonl", description: "Output format (default csv)" },
    kind: { type: "string", value: "<kind>", description: "One event kind, or an area such as client.*" },
    decision: { type: "string", value: "allow|deny", description: "Only decisions of this outcome" },
    client: { type: "string", value: "<client-id>", description: "Only events of this client" },
    user: { type: "string", value: "<email|id>", description: "Only events about or by this user" },
    tool: { type: "string", value: "<tool>", description: "Only events of this tool" },
    from: { type: "string", value: "<time>", description: "From this time, inclusive (ISO 8601; UTC unless a zone is given)" },
    to: { type: "string", value: "<time>", description: "Up to this time, exclusive" },
  },
  schema: z.object({
    format: z.enum(["csv", "jsonl"], { error: "--format must be csv or jsonl" }).default("csv"),
    kind: z.string().optional(),
    decision: z.string().optional(),
    client: z.string().optional(),
    user: z.string().optional(),
    tool: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
  }),
  async run(options, io) {
    const { format, ...rest } = options;
    const filter = auditFilterSchema.safeParse(auditFilterInput(rest as Record<string, string | undefined>));
    if (!filter.success) throw new AppError("invalid_input", describeIssues(filter.error.issues));
    // The same export the console streams (and records as audit.exported), written as it arrives.
    const { stream } = await startAuditExport(filter.data, format, CLI_CONTEXT);
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = decoder.decode(value, { stream: true });
      // Every chunk ends with a line break; io.out adds it back.
      if (chunk) io.out(chunk.slice(0, -1));
    }
    return 0;
  },
});
