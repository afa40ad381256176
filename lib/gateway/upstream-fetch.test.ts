import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamFetch } from "@/lib/gateway/upstream-fetch";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import { startOwnUpstream, type RunningUpstream } from "@/test/support/upstreams";

/**
 * The pooled upstream session's transport (v2 SDK client) hands every request the same long-lived AbortSignal. `fetch`
 * keeps a listener on the signal it is given until its request object is garbage-collected, so passed straight through,
 * that one signal collected a listener per call: MaxListenersExceededWarning after ~1,500 gateway calls. upstreamFetch
 * must put at most one listener on the caller's signal, however many requests use it, one after another or at once,
 * and still abort a request in flight when the signal fires.
 */
const PORT = 5281;
let upstream: RunningUpstream;
let delayMs = 0;

function target(url: string): UpstreamTarget {
  return {
    name: "leak",
    url,
    authKind: "none",
    headerName: null,
    headerValueSealed: null,
    tokenUrl: null,
    oauthClientId: null,
    clientSecretSealed: null,
    oauthScope: null,
    oauthResource: null,
    updatedAt: new Date(),
  };
}

const LIST_TOOLS = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
const HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" };

beforeAll(async () => {
  upstream = await startOwnUpstream(PORT, {
    // Holds a request for as long as the test asks, so one can be aborted in flight.
    authorize: async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return true;
    },
  });
});
afterAll(() => upstream.stop());

describe("upstreamFetch and the caller's long-lived signal", () => {
  it("puts one listener on the signal, however many requests use it one after another", async () => {
    const fetchUpstream = upstreamFetch(target(upstream.url));
    const session = new AbortController();
    for (let i = 0; i < 200; i++) {
      const response = await fetchUpstream(upstream.url, { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal });
      expect(await response.text()).toContain("greet");
      expect(getEventListeners(session.signal, "abort").length).toBe(1);
    }
  });

  it("puts one listener on the signal with many requests in flight at once, and no warning is printed", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const fetchUpstream = upstreamFetch(target(upstream.url));
      const session = new AbortController();
      const answers = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const response = await fetchUpstream(upstream.url, { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal });
          expect(getEventListeners(session.signal, "abort").length).toBe(1);
          return response.text();
        }),
      );
      expect(answers.every((text) => text.includes("greet"))).toBe(true);
      expect(getEventListeners(session.signal, "abort").length).toBe(1);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("answers a cancelled or failed request without adding listeners", async () => {
    const fetchUpstream = upstreamFetch(target(upstream.url));
    const session = new AbortController();
    const response = await fetchUpstream(upstream.url, { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal });
    await response.body?.cancel();
    const unreachable = upstreamFetch(target("http://127.0.0.1:5282/mcp"));
    await expect(unreachable("http://127.0.0.1:5282/mcp", { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal })).rejects.toMatchObject({ outcome: "unreachable" });
    expect(getEventListeners(session.signal, "abort").length).toBe(1);
  });

  it("still aborts a request in flight when the signal fires (the session closed)", async () => {
    const fetchUpstream = upstreamFetch(target(upstream.url));
    const session = new AbortController();
    delayMs = 2_000;
    try {
      const pending = fetchUpstream(upstream.url, { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      session.abort(new Error("session closed"));
      await expect(pending).rejects.toThrow();
      // Ended by the abort, not by the upstream's answer two seconds later.
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      delayMs = 0;
    }
  });
});
