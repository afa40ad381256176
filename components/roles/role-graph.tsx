import { layoutRoleGraph } from "@/lib/roles/layout-role-graph";
import { RoleGraphView } from "./role-graph-view";

export interface RoleGraphRole {
  name: string;
  parents: string[];
  builtin: boolean;
  scopeCount: number;
  userCount: number;
}

/**
 * The role hierarchy as a layered graph, laid out on the server. Arrows point from a role to the role it inherits
 * from; a role with two parents has two arrows. Each role is a link to its page (keyboard focusable); hovering or
 * focusing one highlights its own arrows so a crossing can never be read as an inheritance.
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
  return (
    <RoleGraphView
      layout={layout}
      roles={roles.map((r) => ({
        name: r.name,
        builtin: r.builtin,
        title: `${r.name}${r.builtin ? " (built in)" : ""}: ${r.scopeCount} own scope${r.scopeCount === 1 ? "" : "s"}, ${r.userCount} user${r.userCount === 1 ? "" : "s"}${r.parents.length ? `; inherits ${r.parents.join(", ")}` : ""}`,
      }))}
      focus={focus}
      related={related}
    />
  );
}
