"use client";

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", padding: "3rem", color: "#0f172a" }}>
        <h1 style={{ fontSize: "1.25rem" }}>Portcullis could not show this page</h1>
        <p>Something went wrong on our side. Try again in a moment.</p>
        {error.digest ? <p style={{ fontSize: "0.75rem", color: "#64748b" }}>Reference: {error.digest}</p> : null}
      </body>
    </html>
  );
}
