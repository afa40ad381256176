import { describe, expect, it } from "vitest";
import { layoutRoleGraph } from "@/lib/roles/layout-role-graph";

const diamond = [
  { name: "base", parents: [] },
  { name: "left", parents: ["base"] },
  { name: "right", parents: ["base"] },
  { name: "top", parents: ["left", "right"] },
  { name: "loner", parents: [] },
];

describe("layoutRoleGraph", () => {
  it("puts every parent in a row above each of its children", () => {
    const layout = layoutRoleGraph(diamond);
    const at = new Map(layout.nodes.map((n) => [n.name, n]));
    expect(Object.fromEntries(layout.nodes.map((n) => [n.name, n.layer]))).toEqual({ base: 0, loner: 0, left: 1, right: 1, top: 2 });
    for (const edge of layout.edges) expect(at.get(edge.parent)!.y).toBeLessThan(at.get(edge.child)!.y);
  });

  it("draws a diamond honestly: the role appears once, with one edge per parent", () => {
    const layout = layoutRoleGraph(diamond);
    expect(layout.nodes.filter((n) => n.name === "top")).toHaveLength(1);
    expect(layout.edges.map((e) => `${e.child}→${e.parent}`).sort()).toEqual(["left→base", "right→base", "top→left", "top→right"]);
  });

  it("places a child under its longest inheritance chain", () => {
    const layout = layoutRoleGraph([
      { name: "a", parents: [] },
      { name: "b", parents: ["a"] },
      { name: "c", parents: ["a", "b"] },
    ]);
    expect(layout.nodes.find((n) => n.name === "c")!.layer).toBe(2);
  });

  it("never overlaps two roles in a row, and fits them all in the drawing", () => {
    const roles = Array.from({ length: 12 }, (_, i) => ({ name: `role_${"x".repeat(i)}`, parents: i > 3 ? [`role_${"x".repeat(i % 4)}`] : [] }));
    const layout = layoutRoleGraph(roles);
    const layers = [...new Set(layout.nodes.map((n) => n.layer))];
    for (const row of layers.map((l) => layout.nodes.filter((n) => n.layer === l))) {
      const sorted = [...row].sort((a, b) => a.x - b.x);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i].x).toBeGreaterThanOrEqual(sorted[i - 1].x + sorted[i - 1].width);
    }
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + layout.nodeHeight).toBeLessThanOrEqual(layout.height);
    }
  });

  it("orders a row to follow its parents, so edges do not cross needlessly", () => {
    const layout = layoutRoleGraph([
      { name: "a", parents: [] },
      { name: "z", parents: [] },
      { name: "under_z", parents: ["z"] },
      { name: "under_a", parents: ["a"] },
    ]);
    const x = new Map(layout.nodes.map((n) => [n.name, n.x]));
    expect(x.get("under_a")! < x.get("under_z")!).toBe(x.get("a")! < x.get("z")!);
  });

  it("draws an empty graph as nothing", () => {
    expect(layoutRoleGraph([])).toMatchObject({ nodes: [], edges: [], height: 0 });
  });
});
