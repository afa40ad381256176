import { Input, Select } from "@/components/ui/field";
import { FilterActions, FilterField } from "@/components/ui/filter-form";
import type { ClientFilter } from "@/lib/clients/list-client-page";

/** The clients filters as a GET form: the URL is the state (bookmarkable, shareable); sort and page size are kept. */
export function ClientFilters({ filter, filtered }: { filter: ClientFilter; filtered: boolean }) {
  return (
    <form method="get" action="/clients" role="search" aria-label="Filter clients" className="mb-4 flex flex-wrap items-end gap-3">
      <FilterField label="Search" id="clients-q" wide>
        <Input id="clients-q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Name or client id" autoComplete="off" />
      </FilterField>
      <FilterField label="Status" id="clients-status">
        <Select id="clients-status" name="status" defaultValue={filter.status ?? ""}>
          <option value="">Any status</option>
          <option value="pending">Pending</option>
          <option value="active">Active</option>
          <option value="suspended">Suspended</option>
          <option value="rejected">Rejected</option>
        </Select>
      </FilterField>
      <FilterField label="Source" id="clients-source">
        <Select id="clients-source" name="source" defaultValue={filter.source ?? ""}>
          <option value="">Any source</option>
          <option value="dcr">Dynamic registration (DCR)</option>
          <option value="cimd">Metadata document (CIMD)</option>
          <option value="manual">Manual</option>
          <option value="authkit">AuthKit</option>
        </Select>
      </FilterField>
      <FilterField label="Last used" id="clients-used">
        <Select id="clients-used" name="used" defaultValue={filter.used ?? ""}>
          <option value="">Any time</option>
          <option value="day">In the last 24 hours</option>
          <option value="week">In the last 7 days</option>
          <option value="month">In the last 30 days</option>
          <option value="stale">Not in 30 days, or never</option>
          <option value="never">Never</option>
        </Select>
      </FilterField>
      {filter.sort !== "created" ? <input type="hidden" name="sort" value={filter.sort} /> : null}
      {filter.dir ? <input type="hidden" name="dir" value={filter.dir} /> : null}
      {filter.size !== 25 ? <input type="hidden" name="size" value={filter.size} /> : null}
      <FilterActions label="Filter" clearHref="/clients" filtered={filtered} />
    </form>
  );
}
