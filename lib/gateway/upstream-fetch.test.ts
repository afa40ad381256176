import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamFetch } from "@/lib/gateway/upstream-fetch";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import { startOwnUpstream, type RunningUpstream } from "@/test/support/upstreams";

/**
 * The pooled upstream session's transport (v2 SDK client) hands every request the same long-lived AbortSignal. `fetch`
 * keeps a listener on the signal it is given until its request object is garbage-collected, so passed straight through,
 * that one signal collected a listener per call: MaxListenersExceededWarning after ~1,500 gateway calls. upstreamFetch
 * must leave the caller's signal as it found it once each answer has ended, and still abort a request in flight when
 * the signal fires.
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
  it("leaves no listener on the signal once each answer has been read, however many requests used it", async () => {
    const fetchUpstream = upstreamFetch(target(upstream.url));
    const session = new AbortController();
    for (let i = 0; i < 200; i++) {
      const response = await fetchUpstream(upstream.url, { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal });
      // While an answer is being read, its request listens to the signal (it can still be aborted)…
      expect(getEventListeners(session.signal, "abort").length).toBe(1);
      const text = await response.text();
      expect(text).toContain("greet");
      // …and once it has been read, nothing is left behind.
      expect(getEventListeners(session.signal, "abort").length).toBe(0);
    }
  });

  it("unlinks a request whose answer is cancelled unread, or that fails", async () => {
    const fetchUpstream = upstreamFetch(target(upstream.url));
    const session = new AbortController();
    const response = await fetchUpstream(upstream.url, { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal });
    await response.body?.cancel();
    expect(getEventListeners(session.signal, "abort").length).toBe(0);

    const unreachable = upstreamFetch(target("http://127.0.0.1:5282/mcp"));
    await expect(unreachable("http://127.0.0.1:5282/mcp", { method: "POST", headers: HEADERS, body: LIST_TOOLS, signal: session.signal })).rejects.toMatchObject({ outcome: "unreachable" });
    expect(getEventListeners(session.signal, "abort").length).toBe(0);
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
