/**
 * Client ids in console URLs. Most ids (`pcl_…`, AuthKit's `client_…`) are safe as a path segment and stay readable;
 * a Client ID Metadata Document client's id is an https URL, whose slashes a path segment cannot carry reliably (proxies
 * and routers decode `%2F`), so it travels base64url-encoded behind a `~`, which no plain segment starts with.
 */
const PLAIN = /^[A-Za-z0-9_.-]{1,200}$/;

export function clientPathSegment(clientId: string): string {
  return PLAIN.test(clientId) ? clientId : `~${Buffer.from(clientId, "utf8").toString("base64url")}`;
}

/** The client id a path segment names, or null when the segment cannot be one. */
export function clientIdFromPathSegment(segment: string): string | null {
  if (PLAIN.test(segment)) return segment;
  if (!segment.startsWith("~") || !/^~[A-Za-z0-9_-]{1,2800}$/.test(segment)) return null;
  const id = Buffer.from(segment.slice(1), "base64url").toString("utf8");
  // Only the canonical encoding of a non-plain id is accepted, so each client has exactly one URL.
  return id.length > 0 && !PLAIN.test(id) && clientPathSegment(id) === segment ? id : null;
}

export function clientHref(clientId: string): string {
  return `/clients/${clientPathSegment(clientId)}`;
}
