/**
 * A layered drawing of the role DAG: parents above their children, one row per depth (longest inheritance chain from
 * a root), and one edge per inheritance link — a role with two parents has two edges, so diamonds show as diamonds.
 * Pure and deterministic, so the server renders it as SVG without any layout library.
 */

export interface RoleGraphInput {
  name: string;
  parents: readonly string[];
}

export interface PlacedRole {
  name: string;
  layer: number;
  x: number;
  y: number;
  width: number;
}

export interface PlacedEdge {
  /** The inheriting role. */
  child: string;
  parent: string;
  /** SVG path from the child's top edge to the parent's bottom edge. */
  d: string;
}

export interface RoleGraphLayout {
  width: number;
  height: number;
  nodeHeight: number;
  nodes: PlacedRole[];
  edges: PlacedEdge[];
}

const NODE_HEIGHT = 34;
const ROW_GAP = 64;
const COLUMN_GAP = 24;
const MARGIN = 16;
const SWEEPS = 4;

export function nodeWidth(name: string): number {
  return Math.max(88, Math.round(name.length * 7.4) + 28);
}

function assignLayers(roles: readonly RoleGraphInput[]): Map<string, number> {
  const byName = new Map(roles.map((r) => [r.name, r]));
  const layers = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (name: string): number => {
    const known = layers.get(name);
    if (known !== undefined) return known;
    // The graph is a DAG by construction (cycles are refused); this guard only keeps a corrupt graph drawable.
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const parents = (byName.get(name)?.parents ?? []).filter((p) => byName.has(p));
    const layer = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(layerOf));
    visiting.delete(name);
    layers.set(name, layer);
    return layer;
  };
  for (const role of roles) layerOf(role.name);
  return layers;
}

function average(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Reorders each row by the mean position of its neighbours in the adjacent row (barycentre heuristic). */
function orderRows(rows: string[][], neighboursAbove: Map<string, string[]>, neighboursBelow: Map<string, string[]>): void {
  const position = new Map<string, number>();
  const index = () => rows.forEach((row) => row.forEach((name, i) => position.set(name, i)));
  const sortRow = (row: string[], neighbours: Map<string, string[]>) => {
    const keyed = row.map((name, i) => {
      const mean = average((neighbours.get(name) ?? []).map((n) => position.get(n)!).filter((p) => p !== undefined));
      return { name, key: mean ?? i, i };
    });
    keyed.sort((a, b) => a.key - b.key || a.i - b.i);
    row.splice(0, row.length, ...keyed.map((k) => k.name));
  };
  index();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let layer = 1; layer < rows.length; layer++) {
      sortRow(rows[layer], neighboursAbove);
      index();
    }
    for (let layer = rows.length - 2; layer >= 0; layer--) {
      sortRow(rows[layer], neighboursBelow);
      index();
    }
  }
}

export function layoutRoleGraph(roles: readonly RoleGraphInput[]): RoleGraphLayout {
  const known = new Set(roles.map((r) => r.name));
  const layers = assignLayers(roles);
  const depth = Math.max(-1, ...layers.values()) + 1;
  const rows: string[][] = Array.from({ length: depth }, () => []);
  for (const role of [...roles].sort((a, b) => a.name.localeCompare(b.name))) rows[layers.get(role.name)!].push(role.name);

  const parentsOf = new Map(roles.map((r) => [r.name, r.parents.filter((p) => known.has(p))]));
  const childrenOf = new Map<string, string[]>(roles.map((r) => [r.name, []]));
  for (const [child, parents] of parentsOf) for (const parent of parents) childrenOf.get(parent)!.push(child);
  orderRows(rows, parentsOf, childrenOf);

  const rowWidths = rows.map((row) => row.reduce((sum, name) => sum + nodeWidth(name), 0) + COLUMN_GAP * Math.max(0, row.length - 1));
  const innerWidth = Math.max(0, ...rowWidths);
  const nodes = new Map<string, PlacedRole>();
  rows.forEach((row, layer) => {
    let x = MARGIN + (innerWidth - rowWidths[layer]) / 2;
    for (const name of row) {
      const width = nodeWidth(name);
      nodes.set(name, { name, layer, x, y: MARGIN + layer * (NODE_HEIGHT + ROW_GAP), width });
      x += width + COLUMN_GAP;
    }
  });

  const edges: PlacedEdge[] = [];
  for (const [child, parents] of parentsOf) {
    const from = nodes.get(child)!;
    for (const parent of [...parents].sort()) {
      const to = nodes.get(parent)!;
      const x1 = from.x + from.width / 2;
      const y1 = from.y;
      const x2 = to.x + to.width / 2;
      const y2 = to.y + NODE_HEIGHT;
      const bend = (y1 - y2) / 2;
      edges.push({ child, parent, d: `M${x1},${y1} C${x1},${y1 - bend} ${x2},${y2 + bend} ${x2},${y2}` });
    }
  }
  return {
    width: innerWidth + 2 * MARGIN,
    height: depth === 0 ? 0 : MARGIN * 2 + depth * NODE_HEIGHT + (depth - 1) * ROW_GAP,
    nodeHeight: NODE_HEIGHT,
    nodes: [...nodes.values()],
    edges,
  };
}
