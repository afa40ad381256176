import { Input, Select } from "@/components/ui/field";
import { FilterActions, FilterField } from "@/components/ui/filter-form";
import type { AuditFilterOptions } from "@/lib/audit/audit-filter-options";

export type AuditFilterValues = Partial<Record<"kind" | "decision" | "client" | "user" | "tool" | "from" | "to", string>>;

/**
 * The audit filters as a plain GET form: the URL is the state, so a filtered view can be bookmarked, shared, and
 * exported exactly as shown.
 */
export function AuditFilters({ values, options, filtered }: { values: AuditFilterValues; options: AuditFilterOptions; filtered: boolean }) {
  return (
    <form method="get" action="/audit" role="search" aria-label="Filter the audit log" className="flex flex-wrap items-end gap-3">
      <FilterField label="Event" id="audit-filter-kind">
        <Select id="audit-filter-kind" name="kind" defaultValue={values.kind ?? ""}>
          <option value="">Any event</option>
          <optgroup label="Every event of an area">
            {options.areas.map((a) => (
              <option key={a} value={`${a}.*`}>{a}.*</option>
            ))}
          </optgroup>
          <optgroup label="One kind">
            {options.kinds.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </optgroup>
        </Select>
      </FilterField>
      <FilterField label="Decision" id="audit-filter-decision">
        <Select id="audit-filter-decision" name="decision" defaultValue={values.decision ?? ""}>
          <option value="">Any</option>
          <option value="allow">Allowed</option>
          <option value="deny">Denied</option>
        </Select>
      </FilterField>
      <FilterField label="Client" id="audit-filter-client" wide>
        <Input id="audit-filter-client" name="client" list="audit-clients" defaultValue={values.client ?? ""} placeholder="Client id" autoComplete="off" />
        <datalist id="audit-clients">
          {options.clients.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </datalist>
      </FilterField>
      <FilterField label="User" id="audit-filter-user" wide>
        <Input id="audit-filter-user" name="user" defaultValue={values.user ?? ""} placeholder="Email or id (as actor or subject)" autoComplete="off" />
      </FilterField>
      <FilterField label="Tool" id="audit-filter-tool">
        <Input id="audit-filter-tool" name="tool" list="audit-tools" defaultValue={values.tool ?? ""} placeholder="Tool name" autoComplete="off" />
        <datalist id="audit-tools">
          {options.tools.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </FilterField>
      <FilterField label="From (UTC)" id="audit-filter-from">
        <Input id="audit-filter-from" name="from" type="datetime-local" step={1} defaultValue={values.from ?? ""} />
      </FilterField>
      <FilterField label="To (UTC)" id="audit-filter-to">
        <Input id="audit-filter-to" name="to" type="datetime-local" step={1} defaultValue={values.to ?? ""} />
      </FilterField>
      <FilterActions label="Apply filters" clearHref="/audit" filtered={filtered} primary />
    </form>
  );
}
