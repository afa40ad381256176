import dagre from "@dagrejs/dagre";

/**
 * A layered drawing of the role DAG, laid out by dagre: parents above their children, one edge per inheritance link
 * (a role with two parents has two edges, so diamonds show as diamonds), and long edges routed through dagre's dummy
 * nodes so they pass between boxes instead of under them — an edge drawn under a box reads as a false inheritance.
 * Edges are straight polylines through dagre's points: a smoothed curve could bulge back into a box the route avoids.
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
  /** The route from the child's top edge to the parent's bottom edge, as points. */
  points: { x: number; y: number }[];
  /** SVG path through `points`. */
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
const ROW_GAP = 56;
const COLUMN_GAP = 28;
const EDGE_GAP = 14;
const MARGIN = 16;

export function nodeWidth(name: string): number {
  return Math.max(88, Math.round(name.length * 7.4) + 28);
}

const round = (n: number) => Math.round(n * 10) / 10;

export function layoutRoleGraph(roles: readonly RoleGraphInput[]): RoleGraphLayout {
  const known = new Set(roles.map((r) => r.name));
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({ rankdir: "TB", nodesep: COLUMN_GAP, ranksep: ROW_GAP, edgesep: EDGE_GAP, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  const sorted = [...roles].sort((a, b) => a.name.localeCompare(b.name));
  for (const role of sorted) graph.setNode(role.name, { width: nodeWidth(role.name), height: NODE_HEIGHT });
  // Edges point parent → child so dagre ranks parents above; the drawing reverses them (child inherits parent).
  for (const role of sorted) for (const parent of [...new Set(role.parents)].sort()) if (known.has(parent) && parent !== role.name) graph.setEdge(parent, role.name);
  if (roles.length === 0) return { width: 0, height: 0, nodeHeight: NODE_HEIGHT, nodes: [], edges: [] };
  dagre.layout(graph);

  const ys = [...new Set(sorted.map((r) => Math.round(graph.node(r.name).y)))].sort((a, b) => a - b);
  const nodes: PlacedRole[] = sorted.map((r) => {
    const n = graph.node(r.name);
    return { name: r.name, layer: ys.indexOf(Math.round(n.y)), x: round(n.x - n.width / 2), y: round(n.y - n.height / 2), width: n.width };
  });
  const rowCentres = ys;
  const at = new Map(nodes.map((n) => [n.name, n]));
  // Dagre's own end points are where a line toward the next bend meets the box, which can clip a neighbour in the
  // same row. Instead each edge leaves the child's top and enters the parent's bottom (spread so arrows stay apart),
  // and where it passes a row it runs vertically through the gap dagre kept for it: diagonals stay between rows.
  const routes = graph.edges().map((e) => {
    const inner = ((graph.edge(e).points ?? []) as { x: number; y: number }[]).slice(1, -1).reverse();
    return { child: e.w, parent: e.v, inner };
  });
  const spread = (side: "top" | "bottom") => {
    const anchors = new Map<string, number>();
    for (const node of nodes) {
      const attached = routes
        .filter((r) => (side === "top" ? r.child : r.parent) === node.name)
        .map((r) => {
          const other = at.get(side === "top" ? r.parent : r.child)!;
          const neighbour = side === "top" ? r.inner[0] : r.inner[r.inner.length - 1];
          return { key: `${r.child}->${r.parent}`, x: neighbour?.x ?? other.x + other.width / 2 };
        })
        .sort((a, b) => a.x - b.x || a.key.localeCompare(b.key));
      attached.forEach((a, i) => anchors.set(a.key, node.x + (node.width * (i + 1)) / (attached.length + 1)));
    }
    return anchors;
  };
  const topAnchor = spread("top");
  const bottomAnchor = spread("bottom");
  const edges: PlacedEdge[] = routes.map(({ child, parent, inner }) => {
    const key = `${child}->${parent}`;
    const from = at.get(child)!;
    const to = at.get(parent)!;
    const points = [{ x: topAnchor.get(key)!, y: from.y }];
    for (const p of inner) {
      const inRow = rowCentres.some((c) => Math.abs(c - p.y) < 1);
      if (inRow) points.push({ x: p.x, y: p.y + NODE_HEIGHT / 2 }, { x: p.x, y: p.y - NODE_HEIGHT / 2 });
      else points.push({ x: p.x, y: p.y });
    }
    points.push({ x: bottomAnchor.get(key)!, y: to.y + NODE_HEIGHT });
    const route = points.map((p) => ({ x: round(p.x), y: round(p.y) }));
    return { child, parent, points: route, d: route.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ") };
  });
  edges.sort((a, b) => `${a.child}->${a.parent}`.localeCompare(`${b.child}->${b.parent}`));
  const label = graph.graph();
  return { width: Math.ceil(label.width ?? 0), height: Math.ceil(label.height ?? 0), nodeHeight: NODE_HEIGHT, nodes, edges };
}
