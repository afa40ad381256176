import { problemPage } from "@/components/authkit/problem-page";
import { clientIp, requestId } from "@/lib/http/client-address";
import { startBridgeSignIn } from "@/lib/workos/start-bridge-sign-in";

export const dynamic = "force-dynamic";

/** AuthKit's Login URI in bridge mode (WorkOS dashboard → Applications → Configuration → Login URI). */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const start = await startBridgeSignIn(url.searchParams.get("external_auth_id"), {
    ip: clientIp(request.headers),
    requestId: requestId(request.headers),
  });
  switch (start.outcome) {
    case "not_bridge":
      return problemPage(404, "Not available", "Portcullis is not set up as AuthKit's Login URI (PORTCULLIS_ISSUER_MODE is not bridge).");
    case "rate_limited":
      return problemPage(429, "Too many attempts", `Too many sign-in attempts from your address. Try again in ${start.retryAfter} seconds.`, {
        headers: { "retry-after": String(start.retryAfter) },
      });
    case "invalid":
      return problemPage(400, "This sign-in link is not valid", start.message);
    case "redirect":
      return new Response(null, { status: 303, headers: { location: start.location, "cache-control": "no-store" } });
  }
}
