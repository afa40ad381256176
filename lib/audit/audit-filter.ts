import { z } from "zod";
import { AUDIT_KINDS } from "@/lib/audit/types";

/** Event areas (the part of a kind before the dot), offered as "every event of this area". */
export const AUDIT_AREAS = [...new Set(AUDIT_KINDS.map((k) => k.split(".")[0]))];

const KIND = z.union([
  z.enum(AUDIT_KINDS),
  z.string().regex(/^[a-z_]+\.\*$/).refine((v) => AUDIT_AREAS.includes(v.slice(0, -2)), "unknown event area"),
]);

// datetime-local inputs send "2026-11-21T10:00" (no seconds, no zone); the console shows and reads times in UTC.
const INSTANT = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/, "use YYYY-MM-DDTHH:MM (UTC)")
  .transform((v) => new Date(/(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : v.length === 10 ? `${v}T00:00:00Z` : `${v}Z`))
  .refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * The audit log's filters: one definition for the viewer, its charts and the CSV/JSON Lines export, so an export holds
 * exactly what the viewer showed. Empty query-string values mean "no filter".
 */
export const auditFilterSchema = z
  .object({
    kind: KIND.optional(),
    decision: z.enum(["allow", "deny"]).optional(),
    client: text(2048).optional(),
    /** A user's email or id: events about them (subject) or by them (actor). */
    user: text(320).optional(),
    tool: text(128).optional(),
    from: INSTANT.optional(),
    to: INSTANT.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: "the end of the time range must be after its start", path: ["to"] });

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const AUDIT_FILTER_KEYS = ["kind", "decision", "client", "user", "tool", "from", "to"] as const;

/** Reads filters from URL search params: blank values are dropped, repeated ones keep their first value. */
export function auditFilterInput(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const get = (key: string) => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const input: Record<string, string> = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const value = get(key)?.trim();
    if (value) input[key] = value;
  }
  return input;
}

/** The filter as query-string pairs, for links that keep it (pagination, drawer, export). */
export function auditFilterParams(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = filter[key];
    if (value instanceof Date) params.set(key, value.toISOString().slice(0, 19));
    else if (value) params.set(key, value);
  }
  return params;
}

export function isFiltered(filter: AuditFilter): boolean {
  return AUDIT_FILTER_KEYS.some((key) => filter[key] !== undefined);
}
