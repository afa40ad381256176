import { formatReason, type ReasonStep } from "@/lib/policy/types";

const STEP_STYLE: Record<string, string> = {
  user: "bg-slate-100 text-slate-800",
  role: "bg-brand-50 text-brand-700",
  inherits: "bg-brand-50 text-brand-700",
  mapped: "bg-violet-50 text-violet-700",
  scope: "bg-emerald-50 text-emerald-800",
  tool: "bg-emerald-100 text-emerald-900",
  check: "bg-red-50 text-red-800",
};

/** A reason path (`user alice → role editor → inherits reader → scope clients:read`) as a chain of labelled links. */
export function ReasonPath({ steps, text }: { steps?: readonly ReasonStep[]; text?: string | null }) {
  const links = steps ?? parseReason(text ?? "");
  if (links.length === 0) return <span className="text-xs text-slate-400">—</span>;
  return (
    <ol className="flex flex-wrap items-center gap-y-1 text-xs" aria-label="Reason path" title={formatReason(links)} data-testid="reason-path">
      {links.map((step, i) => (
        <li key={i} className="flex items-center">
          {/* Spaces kept in the text, so the path reads (and copies) as "user a → role b → scope c". */}
          {i > 0 ? <span aria-hidden className="whitespace-pre text-slate-400">{" → "}</span> : null}
          <span className={`rounded px-1.5 py-0.5 ${STEP_STYLE[step.kind] ?? STEP_STYLE.user}`}>
            {step.kind === "check" ? step.label : <><span className="opacity-70">{step.kind}</span> <span className="font-medium">{step.label}</span></>}
          </span>
        </li>
      ))}
    </ol>
  );
}

const KINDS = new Set(["user", "role", "inherits", "mapped", "scope", "tool", "client", "token"]);

/** Splits a stored reason string back into steps (the audit log keeps the formatted text). */
export function parseReason(reason: string): ReasonStep[] {
  if (!reason.trim()) return [];
  return reason.split(" → ").map((part) => {
    const space = part.indexOf(" ");
    const kind = space > 0 ? part.slice(0, space) : "";
    return KINDS.has(kind) ? { kind: kind as ReasonStep["kind"], label: part.slice(space + 1) } : { kind: "check", label: part };
  });
}
