import { serveResourceMetadata } from "@/lib/mcp/serve-resource-metadata";

// RFC 9728 metadata for the /mcp resource, at the root and at the path-suffixed well-known URL (§3.1).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = serveResourceMetadata;
export const OPTIONS = serveResourceMetadata;
