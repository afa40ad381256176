import type { DiffLine } from "@/lib/gateway/definition-diff";

/** A held tool's definition change, line by line: removed lines red, added lines green. */
export function DefinitionDiffView({ lines }: { lines: DiffLine[] }) {
  return (
    <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 text-xs leading-5" data-testid="definition-diff">
      {lines.map((line, i) => (
        <div key={i} className={line.op === "+" ? "bg-emerald-50 text-emerald-800" : line.op === "-" ? "bg-red-50 text-red-800" : "text-slate-600"}>
          {line.op} {line.text}
        </div>
      ))}
    </pre>
  );
}
