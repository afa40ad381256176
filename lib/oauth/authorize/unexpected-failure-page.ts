import { isAppError, isDatabaseUnavailable } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { renderAuthorizationPage } from "@/lib/oauth/authorize/render-authorization-page";

/**
 * Anything the authorization endpoint did not expect: logged in full, shown as a plain page that reveals nothing. The
 * database being unreachable is expected now and then (a restart, a failover): 503 `temporarily_unavailable`, to retry.
 */
export function unexpectedFailurePage(error: unknown): Response {
  if (isDatabaseUnavailable(error) || (isAppError(error) && error.code === "unavailable")) {
    logger.warn("authorization endpoint refused: database unavailable", { reason: (error as Error)?.message?.split("\n").filter(Boolean).pop() });
    return renderAuthorizationPage({
      status: 503,
      title: "Temporarily unavailable",
      paragraphs: ["Portcullis cannot reach its database right now.", "Try again from the app in a moment."],
      error: "temporarily_unavailable",
    });
  }
  logger.error("authorization endpoint failed", { error });
  return renderAuthorizationPage({
    status: 500,
    title: "Something went wrong",
    paragraphs: ["Portcullis could not complete this authorization request. The error has been logged.", "Try again from the app in a moment."],
    error: "server_error",
  });
}
