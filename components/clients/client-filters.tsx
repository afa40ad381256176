import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import type { ClientFilter } from "@/lib/clients/list-client-page";

function Labelled({ label, id, children, wide }: { label: string; id: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={`text-sm ${wide ? "min-w-56 flex-[2]" : "min-w-36 flex-1"}`}>
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700">{label}</label>
      {children}
    </div>
  );
}

/** The clients filters as a GET form: the URL is the state (bookmarkable, shareable); sort and page size are kept. */
export function ClientFilters({ filter, filtered }: { filter: ClientFilter; filtered: boolean }) {
  return (
    <form method="get" action="/clients" role="search" aria-label="Filter clients" className="mb-4 flex flex-wrap items-end gap-3">
      <Labelled label="Search" id="clients-q" wide>
        <Input id="clients-q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Name or client id" autoComplete="off" />
      </Labelled>
      <Labelled label="Status" id="clients-status">
        <Select id="clients-status" name="status" defaultValue={filter.status ?? ""}>
          <option value="">Any status</option>
          <option value="pending">Pending</option>
          <option value="active">Active</option>
          <option value="suspended">Suspended</option>
          <option value="rejected">Rejected</option>
        </Select>
      </Labelled>
      <Labelled label="Source" id="clients-source">
        <Select id="clients-source" name="source" defaultValue={filter.source ?? ""}>
          <option value="">Any source</option>
          <option value="dcr">Dynamic registration (DCR)</option>
          <option value="cimd">Metadata document (CIMD)</option>
          <option value="manual">Manual</option>
          <option value="authkit">AuthKit</option>
        </Select>
      </Labelled>
      <Labelled label="Last used" id="clients-used">
        <Select id="clients-used" name="used" defaultValue={filter.used ?? ""}>
          <option value="">Any time</option>
          <option value="day">In the last 24 hours</option>
          <option value="week">In the last 7 days</option>
          <option value="month">In the last 30 days</option>
          <option value="stale">Not in 30 days, or never</option>
          <option value="never">Never</option>
        </Select>
      </Labelled>
      {filter.sort !== "created" ? <input type="hidden" name="sort" value={filter.sort} /> : null}
      {filter.dir ? <input type="hidden" name="dir" value={filter.dir} /> : null}
      {filter.size !== 25 ? <input type="hidden" name="size" value={filter.size} /> : null}
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary">Filter</Button>
        {filtered ? <Link href="/clients" className="text-sm text-brand-700 hover:underline">Clear</Link> : null}
      </div>
    </form>
  );
}
