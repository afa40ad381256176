import { z } from "zod";
import { auditFilterInput, auditFilterSchema } from "@/lib/audit/audit-filter";
import { startAuditExport } from "@/lib/audit/start-audit-export";
import { requireScope } from "@/lib/auth/console-user";
import { describeIssues, publicError } from "@/lib/errors";
import { logger } from "@/lib/logger";

export const dynamic = "force-dynamic";

const formatSchema = z.enum(["csv", "jsonl"], { error: "format must be csv or jsonl" });

function problem(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** GET /audit/export?format=csv|jsonl&<the viewer's filters>: the filtered log, streamed as a download. */
export async function GET(request: Request): Promise<Response> {
  try {
    const user = await requireScope("audit:read", "export the audit log");
    const params = new URL(request.url).searchParams;
    const format = formatSchema.safeParse(params.get("format") ?? "csv");
    if (!format.success) return problem(400, describeIssues(format.error.issues));
    const filter = auditFilterSchema.safeParse(auditFilterInput(params));
    if (!filter.success) return problem(400, describeIssues(filter.error.issues));
    const { stream, filename, contentType } = await startAuditExport(filter.data, format.data, user.context);
    return new Response(stream, {
      headers: {
        "Content-Type": contentType,
        "Content-Disposition": `attachment; filename="${filename}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    // redirect() (no session) must propagate; everything else becomes a plain status without internals.
    if (typeof (error as { digest?: unknown })?.digest === "string") throw error;
    const { status, message } = publicError(error);
    if (status >= 500) logger.error("audit export refused", { error });
    return problem(status, message);
  }
}
