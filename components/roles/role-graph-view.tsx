"use client";

import { useState } from "react";
import type { RoleGraphLayout } from "@/lib/roles/layout-role-graph";

/**
 * Draws a laid-out role graph. The drawing scales down to its container (never up), so a role's small graph fits
 * its card; hovering or focusing a role brings its own arrows forward in the brand colour and fades the rest.
 */
export function RoleGraphView({
  layout,
  roles,
  focus,
  related,
}: {
  layout: RoleGraphLayout;
  roles: { name: string; builtin: boolean; title: string }[];
  focus?: string;
  related: string[];
}) {
  const [active, setActive] = useState<string | null>(null);
  const byName = new Map(roles.map((r) => [r.name, r]));
  const emphasised = new Set([...(focus ? [focus] : []), ...related]);
  const dim = (name: string) => focus !== undefined && !emphasised.has(name);
  const touches = (edge: { child: string; parent: string }) => active !== null && (edge.child === active || edge.parent === active);
  const neighbours = new Set(layout.edges.filter(touches).flatMap((e) => [e.child, e.parent]));
  // Highlighted arrows last, so they are drawn over any they cross.
  const edges = [...layout.edges].sort((a, b) => Number(touches(a)) - Number(touches(b)));
  return (
    <div className="overflow-x-auto" data-testid="role-graph" onMouseLeave={() => setActive(null)}>
      <svg
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        style={{ width: "100%", height: "auto", maxWidth: layout.width }}
        role="group"
        aria-label="Role hierarchy: each arrow points from a role to the role it inherits from"
        className="mx-auto block"
      >
        <defs>
          <marker id="inherits-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-slate-400" />
          </marker>
          <marker id="inherits-arrow-active" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-brand-600" />
          </marker>
        </defs>
        {edges.map((edge) => {
          const lit = touches(edge);
          const faded = (active !== null && !lit) || dim(edge.child) || dim(edge.parent);
          return (
            <path
              key={`${edge.child}->${edge.parent}`}
              d={edge.d}
              data-edge={`${edge.child}->${edge.parent}`}
              data-highlighted={lit ? "true" : undefined}
              fill="none"
              strokeLinejoin="round"
              markerEnd={lit ? "url(#inherits-arrow-active)" : "url(#inherits-arrow)"}
              className={lit ? "stroke-brand-600" : faded ? "stroke-slate-200" : "stroke-slate-400"}
              strokeWidth={lit ? 2.5 : 1.5}
            />
          );
        })}
        {layout.nodes.map((node) => {
          const role = byName.get(node.name)!;
          const isFocus = node.name === focus;
          const box = isFocus
            ? "fill-brand-600 stroke-brand-700"
            : role.builtin
              ? "fill-brand-50 stroke-brand-100"
              : "fill-white stroke-slate-300";
          const faded = active !== null ? !neighbours.has(node.name) && node.name !== active : dim(node.name);
          return (
            <a
              key={node.name}
              href={`/roles/${node.name}`}
              className={`group outline-none ${faded ? "opacity-50" : ""}`}
              data-role-node={node.name}
              onMouseEnter={() => setActive(node.name)}
              onFocus={() => setActive(node.name)}
              onBlur={() => setActive(null)}
            >
              <title>{role.title}</title>
              <rect
                x={node.x}
                y={node.y}
                width={node.width}
                height={layout.nodeHeight}
                rx={6}
                data-role-box={node.name}
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
        Arrows point to the role inherited from; point at a role to trace its own arrows.{" "}
        <span className="inline-block h-2.5 w-2.5 rounded-sm border border-brand-100 bg-brand-50 align-middle" /> built in
      </p>
    </div>
  );
}
