"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { PreviewedActionForm } from "@/components/impact/previewed-action-form";
import { setToolScopeAction } from "@/lib/actions/scopes/set-tool-scope";
import type { ActionResult } from "@/lib/console/action-result";

export interface MatrixTool {
  name: string;
  description: string;
  requiredScope: string;
  /** Roles whose holders may call it (directly or by inheritance). */
  roles: string[];
}

/**
 * Tools × scopes. Each tool requires exactly one scope, so each row is a radio group (arrow keys move within it);
 * a row's Save applies the change. The outcome shows above the grid. Read-only users see marks instead of controls.
 */
export function ToolScopeMatrix({ tools, scopes, canWrite }: { tools: MatrixTool[]; scopes: string[]; canWrite: boolean }) {
  const [outcome, setOutcome] = useState<ActionResult | null>(null);
  return (
    <div data-testid="tool-scope-matrix">
      {outcome ? (
        <div className="mb-3">
          {outcome.ok ? <Notice tone="success">{outcome.message}</Notice> : <Notice tone="error">{outcome.error}</Notice>}
        </div>
      ) : null}
      <div className="overflow-x-auto">
        <table className="border-separate border-spacing-0 text-sm">
          <caption className="sr-only">Which scope each MCP tool requires</caption>
          <thead>
            <tr>
              <th scope="col" className="sticky left-0 z-10 min-w-56 border-b border-slate-200 bg-white px-3 py-2 text-left align-bottom text-xs font-medium uppercase tracking-wide text-slate-500">
                Tool
              </th>
              {scopes.map((scope) => (
                <th key={scope} scope="col" className="h-32 border-b border-slate-200 px-1 pb-2 align-bottom font-mono text-xs font-normal text-slate-700">
                  <span className="inline-block rotate-180 whitespace-nowrap [writing-mode:vertical-rl]">{scope}</span>
                </th>
              ))}
              <th scope="col" className="border-b border-slate-200 px-3 py-2 text-left align-bottom text-xs font-medium uppercase tracking-wide text-slate-500">
                Callable by roles
              </th>
              {canWrite ? <th scope="col" className="border-b border-slate-200 px-3 py-2"><span className="sr-only">Save</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {tools.map((tool) => (
              <MatrixRow key={tool.name} tool={tool} scopes={scopes} canWrite={canWrite} onOutcome={setOutcome} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function MatrixRow({
  tool,
  scopes,
  canWrite,
  onOutcome,
}: {
  tool: MatrixTool;
  scopes: string[];
  canWrite: boolean;
  onOutcome(outcome: ActionResult): void;
}) {
  const [selected, setSelected] = useState(tool.requiredScope);
  // When the saved scope changes (this save, or someone else's), the choice follows it.
  const [saved, setSaved] = useState(tool.requiredScope);
  if (saved !== tool.requiredScope) {
    setSaved(tool.requiredScope);
    setSelected(tool.requiredScope);
  }
  const changed = selected !== tool.requiredScope;
  return (
    <tr data-testid={`tool-row-${tool.name}`} className={changed ? "bg-amber-50" : "hover:bg-slate-50"}>
      <th scope="row" className={`sticky left-0 z-10 border-b border-slate-100 px-3 py-2 text-left font-normal ${changed ? "bg-amber-50" : "bg-white"}`}>
        <code className="font-medium text-slate-900">{tool.name}</code>
        <div className="max-w-64 text-xs text-slate-500">{tool.description}</div>
      </th>
      {scopes.map((scope) => (
        <td key={scope} className="border-b border-slate-100 px-1 py-2 text-center">
          {canWrite ? (
            <input
              type="radio"
              // One group per row. The form carries the choice in a hidden field: radios parsed before their form
              // (a `form` attribute) would share one group while the page loads and uncheck each other.
              name={`scope-of-${tool.name}`}
              value={scope}
              checked={selected === scope}
              onChange={() => setSelected(scope)}
              aria-label={`${tool.name} requires ${scope}`}
              className="h-4 w-4 cursor-pointer accent-brand-600"
            />
          ) : scope === tool.requiredScope ? (
            <span role="img" aria-label={`${tool.name} requires ${scope}`} className="text-brand-700">●</span>
          ) : (
            <span aria-hidden className="text-slate-200">·</span>
          )}
        </td>
      ))}
      <td className="border-b border-slate-100 px-3 py-2 font-mono text-xs text-slate-600">{tool.roles.join(", ") || <span className="text-red-700">none</span>}</td>
      {canWrite ? (
        <td className="border-b border-slate-100 px-3 py-2">
          <PreviewedActionForm
            action={setToolScopeAction}
            impact={() => ({ kind: "tool_scope", tool: tool.name, scope: selected })}
            aria-label={`Required scope of ${tool.name}`}
            onResult={onOutcome}
            notices={false}
          >
            {(pending) => (
              <>
                <input type="hidden" name="tool" value={tool.name} />
                <input type="hidden" name="scope" value={selected} />
                <Button type="submit" variant={changed ? "primary" : "secondary"} disabled={!changed || pending} aria-label={`Save required scope of ${tool.name}`}>
                  {pending ? "Saving…" : "Save"}
                </Button>
              </>
            )}
          </PreviewedActionForm>
        </td>
      ) : null}
    </tr>
  );
}
