/** A timestamp in UTC, to the minute (or second), with the exact instant in the `dateTime` attribute and tooltip. */
export function Time({ value, seconds = false, empty = "never" }: { value: Date | string | null | undefined; seconds?: boolean; empty?: string }) {
  if (!value) return <span className="text-slate-400">{empty}</span>;
  const iso = typeof value === "string" ? value : value.toISOString();
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {iso.slice(0, seconds ? 19 : 16).replace("T", " ")}
      <span className="text-slate-400"> UTC</span>
    </time>
  );
}
