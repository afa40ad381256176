/** A redirect that no cache keeps (it may carry a code). 302 for the authorization endpoint's GET, 303 after a POST. */
export function redirectResponse(location: string, status: 302 | 303 = 302): Response {
  return new Response(null, { status, headers: { Location: location, "Cache-Control": "no-store" } });
}
