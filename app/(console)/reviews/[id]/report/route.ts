import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { describeIssues, publicError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { exportReviewReport } from "@/lib/reviews/export-review-report";

export const dynamic = "force-dynamic";

const formatSchema = z.enum(["json", "csv", "signed"], { error: "format must be json, csv or signed" });
const TYPES = { json: "application/json", csv: "text/csv; charset=utf-8", signed: "application/json" } as const;

function problem(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** GET /reviews/<id>/report?format=json|csv|signed: the campaign's report as a download (signed: a JWS for auditors). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireScope("audit:read", "export access-review reports");
    const { id } = await params;
    const format = formatSchema.safeParse(new URL(request.url).searchParams.get("format") ?? "json");
    if (!format.success) return problem(400, describeIssues(format.error.issues));
    if (!/^[0-9a-f-]{36}$/i.test(id)) return problem(404, "No such access review.");
    const text = await exportReviewReport(id, format.data, user.context);
    const filename = `access-review-${id}${format.data === "signed" ? ".report.json" : `.${format.data}`}`;
    return new Response(text, {
      headers: { "Content-Type": TYPES[format.data], "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
    });
  } catch (error) {
    if (typeof (error as { digest?: unknown })?.digest === "string") throw error;
    const { status, message } = publicError(error);
    if (status >= 500) logger.error("access-review report refused", { error });
    return problem(status, message);
  }
}
