import { publicJwks } from "@/lib/keys";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";

export const dynamic = "force-dynamic";

// RFC 7517 §5: the published signing keys, the active one and retired ones until their last token expires.
export async function GET(): Promise<Response> {
  try {
    return withCors(
      Response.json(await publicJwks(), {
        headers: { "Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=60" },
      }),
    );
  } catch (error) {
    return withCors(oauthErrorResponse(error));
  }
}

export const OPTIONS = () => corsPreflight("GET, OPTIONS");
