import { Input, Select } from "@/components/ui/field";
import { FilterActions, FilterField } from "@/components/ui/filter-form";
import type { GrantFilter } from "@/lib/grants/list-grants";

/** The grants filters as a GET form: the URL is the state. */
export function GrantFilters({ filter, filtered, clients }: { filter: GrantFilter; filtered: boolean; clients: Array<{ id: string; name: string }> }) {
  return (
    <form method="get" action="/tokens" role="search" aria-label="Filter grants" className="mb-4 flex flex-wrap items-end gap-3">
      <FilterField label="Client" id="grants-client" wide>
        <Input id="grants-client" name="client" list="grants-clients" defaultValue={filter.client ?? ""} placeholder="Client id" autoComplete="off" />
        <datalist id="grants-clients">
          {clients.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </datalist>
      </FilterField>
      <FilterField label="User" id="grants-user" wide>
        <Input id="grants-user" name="user" defaultValue={filter.user ?? ""} placeholder="Email or id" autoComplete="off" />
      </FilterField>
      <FilterField label="Status" id="grants-status">
        <Select id="grants-status" name="status" defaultValue={filter.status ?? ""}>
          <option value="">Any status</option>
          <option value="active">Active (a usable token)</option>
          <option value="expired">Expired (every token ran out)</option>
          <option value="revoked">Revoked</option>
        </Select>
      </FilterField>
      <FilterField label="Expires" id="grants-expires">
        <Select id="grants-expires" name="expires" defaultValue={filter.expires ?? ""}>
          <option value="">Any time</option>
          <option value="1h">Within an hour</option>
          <option value="24h">Within 24 hours</option>
          <option value="7d">Within 7 days</option>
        </Select>
      </FilterField>
      {filter.size !== 25 ? <input type="hidden" name="size" value={filter.size} /> : null}
      <FilterActions label="Filter" clearHref="/tokens" filtered={filtered} />
    </form>
  );
}
