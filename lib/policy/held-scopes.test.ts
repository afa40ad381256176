import { describe, expect, it } from "vitest";
import type { requireScope } from "@/lib/auth/console-user";
import { BUILTIN_SCOPES } from "@/lib/policy/catalog";
import { HeldScopes } from "@/lib/policy/held-scopes";

type RequiredScope = Parameters<typeof requireScope>[0];

// `npx tsc --noEmit -p .` checks this file: each @ts-expect-error fails the type check the day the misspelling it
// marks would compile, so these lines are the compile-time half of the test.
describe("scopes named in code", () => {
  it("requireScope takes only the catalog's built-in scopes", () => {
    const named: RequiredScope[] = ["clients:write", "audit:read", "settings:write"];
    // @ts-expect-error "clients:wirte" is not a built-in scope
    const misspelt: RequiredScope = "clients:wirte";
    // @ts-expect-error a custom scope created at runtime is not a built-in scope either
    const custom: RequiredScope = "crm:read";
    expect(named.every((scope) => Object.hasOwn(BUILTIN_SCOPES, scope))).toBe(true);
    expect([misspelt, custom].some((scope) => Object.hasOwn(BUILTIN_SCOPES, scope))).toBe(false);
  });

  it("a held built-in scope is found by has; a misspelt one does not compile", () => {
    const held = new HeldScopes(["clients:read", "audit:read"]);
    expect(held.has("clients:read")).toBe(true);
    expect(held.has("clients:write")).toBe(false);
    // @ts-expect-error "audit:raed" is not a built-in scope
    expect(held.has("audit:raed")).toBe(false);
  });

  it("a scope named at runtime (custom, or a tool's configured requirement) is checked with hasRuntimeScope", () => {
    const held = new HeldScopes(["account:read", "crm:read"]);
    const toolRequirement: string = "crm:read";
    expect(held.hasRuntimeScope(toolRequirement)).toBe(true);
    expect(held.hasRuntimeScope("crm:write")).toBe(false);
    expect([...held].sort()).toEqual(["account:read", "crm:read"]);
  });
});
