import { describe, expect, it } from "vitest";
import { findCycle } from "@/lib/policy/find-cycle";

const graph = (edges: Record<string, string[]>) => (id: string) => edges[id] ?? [];

describe("findCycle", () => {
  it("refuses a role as its own parent", () => {
    expect(findCycle("a", "a", graph({}))).toEqual(["a", "a"]);
  });

  it("finds a two-role cycle", () => {
    expect(findCycle("reader", "editor", graph({ editor: ["reader"] }))).toEqual(["reader", "editor", "reader"]);
  });

  it("finds a long cycle and returns it in order", () => {
    // c inherits b inherits a; making c a parent of a closes a → c → b → a.
    expect(findCycle("a", "c", graph({ c: ["b"], b: ["a"] }))).toEqual(["a", "c", "b", "a"]);
  });

  it("allows a diamond (shared ancestor is not a cycle)", () => {
    expect(findCycle("top", "right", graph({ top: ["left"], left: ["base"], right: ["base"] }))).toBeNull();
  });

  it("allows an unrelated edge in a graph that has many paths", () => {
    const edges: Record<string, string[]> = {};
    for (let i = 1; i < 200; i++) edges[`r${i}`] = [`r${i - 1}`, `r${Math.floor(i / 2)}`];
    expect(findCycle("r0", "x", graph(edges))).toBeNull();
    expect(findCycle("r0", "r199", graph(edges))?.[0]).toBe("r0");
  });
});
