import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import type { GrantFilter } from "@/lib/grants/list-grants";

function Labelled({ label, id, children, wide }: { label: string; id: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={`text-sm ${wide ? "min-w-56 flex-[2]" : "min-w-36 flex-1"}`}>
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700">{label}</label>
      {children}
    </div>
  );
}

/** The grants filters as a GET form: the URL is the state. */
export function GrantFilters({ filter, filtered, clients }: { filter: GrantFilter; filtered: boolean; clients: Array<{ id: string; name: string }> }) {
  return (
    <form method="get" action="/tokens" role="search" aria-label="Filter grants" className="mb-4 flex flex-wrap items-end gap-3">
      <Labelled label="Client" id="grants-client" wide>
        <Input id="grants-client" name="client" list="grants-clients" defaultValue={filter.client ?? ""} placeholder="Client id" autoComplete="off" />
        <datalist id="grants-clients">
          {clients.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </datalist>
      </Labelled>
      <Labelled label="User" id="grants-user" wide>
        <Input id="grants-user" name="user" defaultValue={filter.user ?? ""} placeholder="Email or id" autoComplete="off" />
      </Labelled>
      <Labelled label="Status" id="grants-status">
        <Select id="grants-status" name="status" defaultValue={filter.status ?? ""}>
          <option value="">Any status</option>
          <option value="active">Active (a usable token)</option>
          <option value="expired">Expired (every token ran out)</option>
          <option value="revoked">Revoked</option>
        </Select>
      </Labelled>
      <Labelled label="Expires" id="grants-expires">
        <Select id="grants-expires" name="expires" defaultValue={filter.expires ?? ""}>
          <option value="">Any time</option>
          <option value="1h">Within an hour</option>
          <option value="24h">Within 24 hours</option>
          <option value="7d">Within 7 days</option>
        </Select>
      </Labelled>
      {filter.size !== 25 ? <input type="hidden" name="size" value={filter.size} /> : null}
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary">Filter</Button>
        {filtered ? <Link href="/tokens" className="text-sm text-brand-700 hover:underline">Clear</Link> : null}
      </div>
    </form>
  );
}
