// Liveness: the process is up and serving HTTP. Readiness (can it do its job?) is /readyz.
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
