export interface PickableScope {
  name: string;
  description: string;
}

/** Checkboxes for scopes, grouped by area (the part before the colon). */
export function ScopePicker({
  scopes,
  selected = [],
  inherited = [],
  name = "scopes",
  legend = "Scopes",
  notes = {},
}: {
  scopes: PickableScope[];
  selected?: string[];
  /** Scopes the role gets from its parents anyway: shown, so nobody adds them twice without noticing. */
  inherited?: string[];
  name?: string;
  legend?: string;
  /** A short note beside a scope (e.g. "requested" on a client's review page). */
  notes?: Record<string, string>;
}) {
  const areas = new Map<string, PickableScope[]>();
  for (const scope of scopes) {
    const area = scope.name.split(":")[0];
    areas.set(area, [...(areas.get(area) ?? []), scope]);
  }
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-2 grid gap-x-6 gap-y-3 sm:grid-cols-2 lg:grid-cols-3">
        {[...areas.entries()].map(([area, list]) => (
          <div key={area}>
            <div className="text-xs font-semibold uppercase tracking-wide text-slate-500">{area}</div>
            <div className="mt-1 space-y-1">
              {list.map((scope) => (
                <label key={scope.name} className="flex items-start gap-2 text-sm" title={scope.description}>
                  <input type="checkbox" name={name} value={scope.name} defaultChecked={selected.includes(scope.name)} className="mt-1" />
                  <span>
                    <code className="text-xs font-medium text-slate-900">{scope.name}</code>
                    {inherited.includes(scope.name) ? <span className="ml-1 text-xs text-emerald-700">(inherited)</span> : null}
                    {notes[scope.name] ? <span className="ml-1 text-xs text-amber-700">({notes[scope.name]})</span> : null}
                    <span className="block text-xs text-slate-500">{scope.description}</span>
                  </span>
                </label>
              ))}
            </div>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
