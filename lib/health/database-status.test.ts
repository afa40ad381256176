import { describe, expect, it } from "vitest";
import { answeredUnavailableWhileDown, databaseUnavailablePage, databaseUnreachableSince, noteDatabaseReachable } from "@/lib/health/database-status";

describe("database status", () => {
  it("remembers when the outage began until the database answers again", () => {
    noteDatabaseReachable(true);
    expect(databaseUnreachableSince()).toBeUndefined();
    noteDatabaseReachable(false, 1_000);
    noteDatabaseReachable(false, 2_000);
    expect(databaseUnreachableSince()).toBe(1_000);
    noteDatabaseReachable(true);
    expect(databaseUnreachableSince()).toBeUndefined();
  });

  it("answers the console's pages, sign-in and setup 503 while down; the protocol endpoints answer for themselves", () => {
    for (const path of ["/", "/clients", "/clients/abc", "/audit", "/login", "/setup", "/api/auth/session", "/mcpx", "/authkit/login"]) {
      expect(answeredUnavailableWhileDown(path), path).toBe(true);
    }
    for (const path of ["/mcp", "/oauth/token", "/oauth/authorize", "/.well-known/oauth-authorization-server", "/readyz", "/healthz", "/_next/static/x.js", "/favicon.ico"]) {
      expect(answeredUnavailableWhileDown(path), path).toBe(false);
    }
  });

  it("the page is a 503 to retry, never cached", () => {
    const page = databaseUnavailablePage();
    expect(page.status).toBe(503);
    expect(page.headers).toMatchObject({ "Retry-After": "1", "Cache-Control": "no-store" });
    expect(page.body).toContain("Temporarily unavailable");
  });
});
