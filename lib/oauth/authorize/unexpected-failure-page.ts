import { logger } from "@/lib/logger";
import { renderAuthorizationPage } from "@/lib/oauth/authorize/render-authorization-page";

/** Anything the authorization endpoint did not expect: logged in full, shown as a plain page that reveals nothing. */
export function unexpectedFailurePage(error: unknown): Response {
  logger.error("authorization endpoint failed", { error });
  return renderAuthorizationPage({
    status: 500,
    title: "Something went wrong",
    paragraphs: ["Portcullis could not complete this authorization request. The error has been logged.", "Try again from the app in a moment."],
    error: "server_error",
  });
}
