/**
 * The response headers every Portcullis response carries: next.config.ts applies them to what Next.js serves, and the
 * Portcullis server to what it answers itself (the token endpoint's fast path, its own refusals). One list, so the two
 * cannot drift. No imports: next.config.ts loads this file before the app is built.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which fails the Server
  // Actions origin check; cross-origin requests still get no Referer (codes never leak in it).
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};
