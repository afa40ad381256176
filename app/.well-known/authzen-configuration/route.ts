import { pdpMetadata } from "@/lib/authzen/pdp-metadata";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(pdpMetadata(), { headers: { "Cache-Control": "public, max-age=3600" } });
}
