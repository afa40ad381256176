import { isAppError, publicError } from "@/lib/errors";
import { logger } from "@/lib/logger";

export type ActionResult<T = undefined> =
  | { ok: true; message?: string; data?: T }
  | { ok: false; error: string; code: string };

/**
 * Runs a server action's body and turns failures into a result the form can show: an AppError's own message, or a
 * generic one (logged in full) for anything unexpected. Navigation (redirect, notFound) passes through.
 */
export async function runAction<T>(body: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await body();
  } catch (error) {
    if (isNavigation(error)) throw error;
    if (!isAppError(error)) logger.error("server action failed", { error });
    const { code, message } = publicError(error);
    return { ok: false, error: message, code };
  }
}

function isNavigation(error: unknown): boolean {
  const digest = (error as { digest?: unknown })?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}
