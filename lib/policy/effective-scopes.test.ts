import { describe, expect, it } from "vitest";
import { ancestorIds, effectiveScopes, userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { snapshotOf } from "@/test/support/policy";
import { formatReason } from "@/lib/policy/types";

describe("effectiveScopes", () => {
  it("is the role's own scopes united with every ancestor's", () => {
    const snapshot = snapshotOf({
      roles: {
        reader: { scopes: ["clients:read"] },
        editor: { parents: ["reader"], scopes: ["clients:write"] },
      },
    });
    const scopes = effectiveScopes(snapshot, [{ roleId: "editor" }]);
    expect([...scopes.keys()].sort()).toEqual(["clients:read", "clients:write"]);
    expect(formatReason(scopes.get("clients:read")!)).toBe("role editor → inherits reader → scope clients:read");
  });

  it("follows deep inheritance to the root", () => {
    const roles: Record<string, { parents?: string[]; scopes?: string[] }> = { r0: { scopes: ["root:scope"] } };
    for (let i = 1; i <= 60; i++) roles[`r${i}`] = { parents: [`r${i - 1}`], scopes: [`s${i}`] };
    const scopes = effectiveScopes(snapshotOf({ roles }), [{ roleId: "r60" }]);
    expect(scopes.size).toBe(61);
    const path = scopes.get("root:scope")!;
    expect(path).toHaveLength(62); // role r60, 60 × inherits, scope
    expect(path[path.length - 2]).toEqual({ kind: "inherits", label: "r0" });
  });

  it("visits a diamond's shared ancestor once and reports the shortest path", () => {
    const snapshot = snapshotOf({
      roles: {
        base: { scopes: ["audit:read"] },
        left: { parents: ["base"] },
        right: { parents: ["base"], scopes: ["x"] },
        top: { parents: ["left", "right"] },
      },
    });
    const scopes = effectiveScopes(snapshot, [{ roleId: "top" }]);
    expect([...scopes.keys()].sort()).toEqual(["audit:read", "x"]);
    expect(formatReason(scopes.get("audit:read")!)).toBe("role top → inherits left → inherits base → scope audit:read");
  });

  it("prefers a directly held role over an inherited path", () => {
    const snapshot = snapshotOf({
      roles: { reader: { scopes: ["clients:read"] }, editor: { parents: ["reader"] } },
    });
    const scopes = effectiveScopes(snapshot, [{ roleId: "editor" }, { roleId: "reader" }]);
    expect(formatReason(scopes.get("clients:read")!)).toBe("role reader → scope clients:read");
  });

  it("terminates on a cyclic graph (defence in depth: cycles are refused on write)", () => {
    const snapshot = snapshotOf({
      roles: { a: { parents: ["b"], scopes: ["sa"] }, b: { parents: ["a"], scopes: ["sb"] } },
    });
    expect([...effectiveScopes(snapshot, [{ roleId: "a" }]).keys()].sort()).toEqual(["sa", "sb"]);
    expect([...ancestorIds(snapshot, "a")].sort()).toEqual(["a", "b"]);
  });

  it("names the external role a mapped role came through", () => {
    const snapshot = snapshotOf({ roles: { reader: { scopes: ["clients:read"] } } });
    const scopes = effectiveScopes(snapshot, [{ roleId: "reader", via: "workos role viewer" }]);
    expect(formatReason(scopes.get("clients:read")!)).toBe("mapped workos role viewer → role reader → scope clients:read");
  });
});

describe("userEffectiveScopes", () => {
  const snapshot = snapshotOf({
    roles: { reader: { scopes: ["clients:read"] } },
    users: { alice: { roles: ["reader"] }, mallory: { roles: ["reader"], disabled: true } },
  });

  it("starts every path at the user", () => {
    expect(formatReason(userEffectiveScopes(snapshot, "alice").get("clients:read")!)).toBe(
      "user alice@example.test → role reader → scope clients:read",
    );
  });

  it("gives a disabled or unknown user nothing", () => {
    expect(userEffectiveScopes(snapshot, "mallory").size).toBe(0);
    expect(userEffectiveScopes(snapshot, "nobody").size).toBe(0);
  });
});
