import { resourceMetadataUrl } from "@/lib/mcp/protected-resource-metadata";

export type BearerError = "invalid_request" | "invalid_token" | "insufficient_scope";

// RFC 6750 §3: error_description is limited to printable ASCII without `"` and `\`.
const DESCRIPTION_UNSAFE = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

/**
 * A `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3) carrying the resource metadata URL (RFC 9728 §5.1) and the
 * scopes to ask for. No `error` when the request carried no credentials (RFC 6750 §3.1). Parameters keep this order
 * so a client that scans for `scope=` never finds it inside the description first.
 */
export function bearerChallenge(options: { error?: BearerError; scopes?: readonly string[]; description?: string; resourceMetadata?: string }): string {
  const params: string[] = [];
  if (options.error) params.push(`error="${options.error}"`);
  if (options.scopes?.length) params.push(`scope="${options.scopes.join(" ")}"`);
  params.push(`resource_metadata="${options.resourceMetadata ?? resourceMetadataUrl()}"`);
  if (options.error && options.description) {
    const safe = options.description.replace(DESCRIPTION_UNSAFE, "").replace(/\b(scope|error|resource_metadata)=/g, "$1 =");
    params.push(`error_description="${safe}"`);
  }
  return `Bearer ${params.join(", ")}`;
}
