const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f8fafc;
font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",sans-serif;color:#0f172a}
main{width:100%;max-width:28rem;padding:3rem 1rem}
.brand{display:flex;align-items:center;justify-content:center;gap:.5rem;margin-bottom:1.5rem;font-size:1.25rem;font-weight:600}
.brand span{display:grid;place-items:center;width:2rem;height:2rem;border-radius:.25rem;background:oklch(0.5 0.18 265);color:#fff}
.card{border:1px solid #e2e8f0;border-radius:.5rem;background:#fff;padding:1.5rem;box-shadow:0 1px 2px rgb(0 0 0/.05)}
h1{margin:0 0 .75rem;font-size:1.125rem}
p{margin:.5rem 0;font-size:.875rem;line-height:1.5;color:#334155}
code{font-size:.8125rem;background:#f1f5f9;padding:.1rem .3rem;border-radius:.25rem;word-break:break-all}
.error{color:#991b1b}
a{color:oklch(0.45 0.18 265);font-size:.875rem}
`;

/**
 * A plain page from the authorization endpoint, for outcomes that must not go back to the client: an unknown or
 * unapproved client, a redirect URI that does not match. Everything shown is escaped; the page loads nothing.
 */
export function renderAuthorizationPage(input: {
  status: number;
  title: string;
  paragraphs: string[];
  error?: string;
  /** Where someone who can help acts (e.g. the console's review queue), as a link under the text. */
  link?: { href: string; text: string };
}): Response {
  const link = input.link ? `<p><a data-testid="oauth-help-link" href="${escapeHtml(input.link.href)}">${escapeHtml(input.link.text)}</a></p>` : "";
  const body = input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n") + link;
  const error = input.error ? `<p class="error">Error code: <code data-testid="oauth-error">${escapeHtml(input.error)}</code></p>` : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.title)} · Portcullis</title><style>${STYLE}</style></head>
<body><main><div class="brand"><span aria-hidden="true">P</span>Portcullis</div>
<div class="card"><h1>${escapeHtml(input.title)}</h1>
${body}
${error}
</div></main></body></html>`;
  return new Response(html, {
    status: input.status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
    },
  });
}
