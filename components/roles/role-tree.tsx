import Link from "next/link";

interface TreeRole {
  name: string;
  parents: string[];
}

/**
 * The hierarchy as an indented list, parents first: a text alternative to the graph. A role with several parents is
 * listed under each of them and says so, rather than pretending the hierarchy is a tree.
 */
export function RoleTree({ roles }: { roles: TreeRole[] }) {
  const names = new Set(roles.map((r) => r.name));
  const childrenOf = new Map<string, string[]>();
  for (const role of roles) {
    for (const parent of role.parents) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), role.name]);
  }
  const parentsOf = new Map(roles.map((r) => [r.name, r.parents.filter((p) => names.has(p))]));
  const roots = roles.filter((r) => parentsOf.get(r.name)!.length === 0).map((r) => r.name).sort();

  const branch = (name: string, under: string | null, path: Set<string>): React.ReactNode => {
    const others = parentsOf.get(name)!.filter((p) => p !== under);
    const children = (childrenOf.get(name) ?? []).filter((c) => !path.has(c)).sort();
    return (
      <li key={`${under ?? ""}/${name}`}>
        <Link href={`/roles/${name}`} className="font-mono text-sm text-brand-700 hover:underline">{name}</Link>
        {others.length > 0 ? <span className="ml-2 text-xs text-slate-500">also inherits {others.join(", ")}</span> : null}
        {children.length > 0 ? (
          <ul className="ml-4 border-l border-slate-200 pl-4">{children.map((c) => branch(c, name, new Set([...path, c])))}</ul>
        ) : null}
      </li>
    );
  };
  return (
    <ul className="space-y-1" aria-label="Role hierarchy as a list" data-testid="role-tree">
      {roots.map((r) => branch(r, null, new Set([r])))}
    </ul>
  );
}
