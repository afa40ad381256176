const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A small self-contained HTML page for the Login URI's refusals, so they carry their real status code (a route handler
 * cannot render the app's React pages). No scripts, no external assets.
 */
export function problemPage(
  status: number,
  title: string,
  message: string,
  { hint = "Start again from your MCP client. If this keeps happening, contact your Portcullis administrator.", headers = {} }: { hint?: string; headers?: Record<string, string> } = {},
): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · Portcullis</title>
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:28rem;background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;padding:1.5rem;margin:1rem}
h1{font-size:1.125rem;margin:0 0 .75rem}p{font-size:.875rem;line-height:1.5;margin:.5rem 0}</style></head>
<body><main><h1>${escape(title)}</h1><p role="alert">${escape(message)}</p>
<p>${escape(hint)}</p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}
