import { describe, expect, it } from "vitest";
import { canonicalEvent, canonicalEventReference, canonicalJson, chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";

const event = {
  seq: 1n,
  at: new Date("2026-11-21T10:00:00.123Z"),
  kind: "decision.allow",
  actor: "user:1",
  subject: "1",
  clientId: "c",
  tool: "whoami",
  scopes: ["account:read"],
  decision: "allow",
  reason: "user a → role r → scope account:read → tool whoami",
  requestId: "r1",
  ip: "127.0.0.1",
  detail: { b: 1, a: { d: [1, 2], c: null } },
};

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: "x" } })).toBe('{"a":{"c":"x","d":[2,1]},"b":1}');
  });

  it("drops undefined members and keeps null", () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe("chainHash", () => {
  it("does not depend on the order keys were written in", () => {
    const reordered = { ...event, detail: { a: { c: null, d: [1, 2] }, b: 1 } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, event));
  });

  it("changes with any field, and with the previous hash", () => {
    const original = chainHash(GENESIS_HASH, event);
    expect(chainHash(GENESIS_HASH, { ...event, decision: "deny" })).not.toBe(original);
    expect(chainHash(GENESIS_HASH, { ...event, at: new Date(event.at.getTime() + 1) })).not.toBe(original);
    expect(chainHash("f".repeat(64), event)).not.toBe(original);
    expect(original).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("canonicalEvent", () => {
  it("writes exactly what canonicalJson writes for the event's fields, whatever they hold", () => {
    const variants = [
      event,
      { ...event, actor: null, subject: null, clientId: null, tool: null, decision: null, reason: null, requestId: null, ip: null, detail: {} },
      { ...event, scopes: [], detail: { z: [{ y: 1, x: "é\u2028\"quoted\"" }], a: null, m: undefined } },
      { ...event, seq: 9_007_199_254_740_993n, reason: "line\nbreak \\ tab\t ✓ 𝄞", kind: "token.issued" },
    ];
    for (const variant of variants) expect(canonicalEvent(variant)).toBe(canonicalEventReference(variant));
  });
});
