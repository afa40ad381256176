const PROBE_ORIGIN = "http://portcullis.invalid";

/**
 * Where sign-in may send the user afterwards: a path on this site, with its query (the authorization endpoint sends
 * `/oauth/authorize?…` here), never another site. Browsers drop tabs and newlines and read `\` as `/`, so `/\evil` or
 * `/<tab>/evil` would become `//evil` — those are refused along with anything that resolves off-site.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 8000) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  return url.origin === PROBE_ORIGIN ? `${url.pathname}${url.search}` : "/";
}
