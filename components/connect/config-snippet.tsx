import { CopyButton } from "@/components/ui/copy-button";

/** One MCP client's setup: where it goes, the text to paste (with a copy button), and a note. */
export function ConfigSnippet({ id, client, where, code, note }: { id: string; client: string; where: string; code: string; note?: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`config-${id}`}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">{client}</h3>
        <CopyButton text={code} label={`Copy the ${client} configuration`} />
      </div>
      <p className="mb-2 text-xs text-slate-500">{where}</p>
      <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100" tabIndex={0} aria-label={`${client} configuration`}>
        <code>{code}</code>
      </pre>
      {note ? <p className="mt-2 text-xs text-slate-600">{note}</p> : null}
    </section>
  );
}
