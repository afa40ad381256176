import { layoutRoleGraph } from "@/lib/roles/layout-role-graph";

export interface RoleGraphRole {
  name: string;
  parents: string[];
  builtin: boolean;
  scopeCount: number;
  userCount: number;
}

/**
 * The role hierarchy as a layered graph, drawn on the server. Arrows point from a role to the role it inherits from;
 * a role with two parents has two arrows. Each role is a link to its page (keyboard focusable).
 */
export function RoleGraph({
  roles,
  focus,
  related = [],
}: {
  roles: RoleGraphRole[];
  /** The role being viewed: highlighted, with its ancestors and descendants (`related`) emphasised. */
  focus?: string;
  related?: string[];
}) {
  const layout = layoutRoleGraph(roles);
  if (layout.nodes.length === 0) return <p className="text-sm text-slate-500">No roles yet.</p>;
  const byName = new Map(roles.map((r) => [r.name, r]));
  const emphasised = new Set([...(focus ? [focus] : []), ...related]);
  const dim = (name: string) => focus !== undefined && !emphasised.has(name);
  return (
    <div className="overflow-x-auto" data-testid="role-graph">
      <svg
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label="Role hierarchy: each arrow points from a role to the role it inherits from"
        className="mx-auto block"
      >
        <defs>
          <marker id="inherits-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-slate-400" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path
            key={`${edge.child}->${edge.parent}`}
            d={edge.d}
            data-edge={`${edge.child}->${edge.parent}`}
            fill="none"
            markerEnd="url(#inherits-arrow)"
            className={dim(edge.child) || dim(edge.parent) ? "stroke-slate-200" : "stroke-slate-400"}
            strokeWidth={1.5}
          />
        ))}
        {layout.nodes.map((node) => {
          const role = byName.get(node.name)!;
          const isFocus = node.name === focus;
          const box = isFocus
            ? "fill-brand-600 stroke-brand-700"
            : role.builtin
              ? "fill-brand-50 stroke-brand-100"
              : "fill-white stroke-slate-300";
          return (
            <a key={node.name} href={`/roles/${node.name}`} className={`group outline-none ${dim(node.name) ? "opacity-50" : ""}`} data-role-node={node.name}>
              <title>
                {`${node.name}${role.builtin ? " (built in)" : ""}: ${role.scopeCount} own scope${role.scopeCount === 1 ? "" : "s"}, ${role.userCount} user${role.userCount === 1 ? "" : "s"}${role.parents.length ? `; inherits ${role.parents.join(", ")}` : ""}`}
              </title>
              <rect
                x={node.x}
                y={node.y}
                width={node.width}
                height={layout.nodeHeight}
                rx={6}
                className={`${box} stroke-1 group-hover:stroke-brand-600 group-focus-visible:stroke-brand-600 group-focus-visible:stroke-[3]`}
              />
              <text
                x={node.x + node.width / 2}
                y={node.y + layout.nodeHeight / 2}
                dominantBaseline="central"
                textAnchor="middle"
                className={`font-mono text-[12px] ${isFocus ? "fill-white" : "fill-slate-800"}`}
              >
                {node.name}
              </text>
            </a>
          );
        })}
      </svg>
      <p className="mt-2 text-center text-xs text-slate-500">
        Arrows point to the role inherited from. <span className="inline-block h-2.5 w-2.5 rounded-sm border border-brand-100 bg-brand-50 align-middle" /> built in
      </p>
    </div>
  );
}
