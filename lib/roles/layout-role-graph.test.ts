import { describe, expect, it } from "vitest";
import { layoutRoleGraph, type RoleGraphLayout } from "@/lib/roles/layout-role-graph";

/** Whether the segment a→b passes through the rectangle's interior (shrunk by `inset`), by Liang–Barsky clipping. */
function segmentCrossesBox(a: { x: number; y: number }, b: { x: number; y: number }, box: { x: number; y: number; w: number; h: number }, inset = 1): boolean {
  const [xmin, xmax, ymin, ymax] = [box.x + inset, box.x + box.w - inset, box.y + inset, box.y + box.h - inset];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [[-dx, a.x - xmin], [dx, xmax - a.x], [-dy, a.y - ymin], [dy, ymax - a.y]]) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/** Every (edge, box) pair where an edge passes through a role it does not connect. */
function falseCrossings(layout: RoleGraphLayout): string[] {
  const found: string[] = [];
  for (const edge of layout.edges) {
    for (const node of layout.nodes) {
      if (node.name === edge.child || node.name === edge.parent) continue;
      const box = { x: node.x, y: node.y, w: node.width, h: layout.nodeHeight };
      for (let i = 1; i < edge.points.length; i++) {
        if (segmentCrossesBox(edge.points[i - 1], edge.points[i], box)) found.push(`${edge.child}->${edge.parent} crosses ${node.name}`);
      }
    }
  }
  return found;
}

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

  it("routes an edge that skips a row around the boxes in between, never under one", () => {
    // The case that once read as "editor inherits access_reviewer": security_lead inherits a role two rows up.
    const roles = [
      { name: "reader", parents: [] },
      { name: "editor", parents: ["reader"] },
      { name: "access_reviewer", parents: ["reader"] },
      { name: "iam_admin", parents: ["editor", "access_reviewer"] },
      { name: "auditor", parents: ["access_reviewer"] },
      { name: "senior_editor", parents: ["editor"] },
      { name: "security_lead", parents: ["access_reviewer", "senior_editor"] },
      { name: "ops", parents: ["reader"] },
      { name: "ops_lead", parents: ["ops", "security_lead", "reader"] },
    ];
    const layout = layoutRoleGraph(roles);
    expect(layout.edges).toHaveLength(12);
    expect(falseCrossings(layout)).toEqual([]);
  });

  it("keeps every edge clear of unrelated boxes across many generated hierarchies", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let graph = 0; graph < 40; graph++) {
      const roles: { name: string; parents: string[] }[] = [];
      const count = 4 + Math.floor(random() * 10);
      for (let i = 0; i < count; i++) {
        const parents = roles.filter(() => random() < 0.3).slice(0, 3).map((r) => r.name);
        roles.push({ name: `role_${"ab".repeat(Math.floor(random() * 4))}${i}`, parents });
      }
      expect(falseCrossings(layoutRoleGraph(roles)), JSON.stringify(roles)).toEqual([]);
    }
  });

  it("draws an empty graph as nothing", () => {
    expect(layoutRoleGraph([])).toMatchObject({ nodes: [], edges: [], height: 0 });
  });
});
