import { z } from "zod";
import { consoleUser } from "@/lib/auth/console-user";
import { describeIssues, publicError } from "@/lib/errors";
import { previewPolicyChange, type ImpactSummary } from "@/lib/impact/preview-policy-change";
import { logger } from "@/lib/logger";

export const dynamic = "force-dynamic";

const MAX_BODY = 64 * 1024;
const bodySchema = z.object({ change: z.unknown(), windowDays: z.unknown().optional() }, { error: "send a JSON object with change and windowDays" });

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: code, message }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * POST /impact/preview {change, windowDays}: the impact of a policy change, with progress streamed while recorded calls
 * are replayed. A stream rather than polling: the replay runs once, inside this request, with no job state to keep
 * between requests, and an admin who cancels simply aborts it. A change that would be refused (a cycle, an unknown
 * scope, a privilege rule, a bad window) is answered before the stream starts, with its status and code; after that
 * the body is NDJSON: `{"type":"progress",…}` lines, then one `{"type":"result","summary":…}` or `{"type":"error",…}`.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const user = await consoleUser();
    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > MAX_BODY) return problem(413, "invalid_input", "The preview request is too large.");
    const text = await request.text();
    if (text.length > MAX_BODY) return problem(413, "invalid_input", "The preview request is too large.");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return problem(400, "invalid_input", "The preview request is not valid JSON.");
    }
    const body = bodySchema.safeParse(json);
    if (!body.success) return problem(400, "invalid_input", describeIssues(body.error.issues));

    const encoder = new TextEncoder();
    let send: (line: object) => void = () => {};
    let ready!: () => void;
    const readiness = new Promise<void>((resolve) => (ready = resolve));
    const work: Promise<ImpactSummary> = previewPolicyChange(body.data, user.context, { onProgress: (p) => send({ type: "progress", ...p }), onReady: ready });
    // Refusals come before readiness: answer them as plain errors with their status.
    await Promise.race([readiness, work]);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (line) => {
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
          } catch {
            // The admin cancelled (the stream is closed): the replay finishes unseen.
          }
        };
        send({ type: "started" });
        work
          .then((summary) => send({ type: "result", summary }))
          .catch((error) => {
            const { status, code, message } = publicError(error);
            if (status >= 500) logger.error("impact preview failed", { error });
            send({ type: "error", status, error: code, message });
          })
          .finally(() => {
            try {
              controller.close();
            } catch {
              // already closed by a cancel
            }
          });
      },
    });
    return new Response(stream, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
  } catch (error) {
    if (typeof (error as { digest?: unknown })?.digest === "string") throw error;
    const { status, code, message } = publicError(error);
    if (status >= 500) logger.error("impact preview refused", { error });
    return problem(status, code, message);
  }
}
