"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { acceptToolsAction } from "@/lib/actions/servers/accept-tools";
import { refreshServerAction } from "@/lib/actions/servers/refresh-server";
import { removeServerAction } from "@/lib/actions/servers/remove-server";
import { testServerAction } from "@/lib/actions/servers/test-server";
import { updateServerAction } from "@/lib/actions/servers/update-server";

/** Test connection, refresh the mirror, and (for servers:write) remove, for one server. */
export function ServerActions({ name, canWrite }: { name: string; canWrite: boolean }) {
  return (
    <div className="flex flex-wrap items-start gap-3">
      <ActionForm action={testServerAction} aria-label={`Test ${name}`}>
        {(pending) => (
          <>
            <input type="hidden" name="name" value={name} />
            <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Testing…" : "Test connection"}</Button>
          </>
        )}
      </ActionForm>
      {canWrite ? (
        <>
          <ActionForm action={refreshServerAction} aria-label={`Refresh ${name}`}>
            {(pending) => (
              <>
                <input type="hidden" name="name" value={name} />
                <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Refreshing…" : "Refresh tools"}</Button>
              </>
            )}
          </ActionForm>
          <ActionForm action={removeServerAction} aria-label={`Remove ${name}`} confirm={`Remove ${name}? Its endpoint, tools and grants go.`} className="flex gap-2">
            {(pending) => (
              <>
                <input type="hidden" name="name" value={name} />
                <Input name="reason" placeholder="Reason" required maxLength={500} className="w-48" />
                <Button type="submit" variant="danger" disabled={pending}>Remove</Button>
              </>
            )}
          </ActionForm>
        </>
      ) : null}
    </div>
  );
}

/** Edits a server's URL and description, and can replace its static header (the old value is never shown). */
export function EditServerForm({ name, url, description }: { name: string; url: string; description: string }) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-brand-700">Edit</summary>
      <ActionForm action={updateServerAction} aria-label={`Edit ${name}`} className="mt-3 grid gap-3 sm:grid-cols-3">
        {(pending) => (
          <>
            <input type="hidden" name="name" value={name} />
            <Input name="url" type="url" defaultValue={url} aria-label="Upstream URL" required />
            <Input name="description" defaultValue={description} aria-label="Description" maxLength={500} />
            <Input name="header" type="password" aria-label="Replace static header" placeholder='Replace header: "Name: value"' autoComplete="off" />
            <Button type="submit" variant="secondary" disabled={pending}>Save</Button>
          </>
        )}
      </ActionForm>
    </details>
  );
}

/** Accepts one held tool (or all of a server's with no tool given) after the admin has read the diff. */
export function AcceptToolsButton({ name, tool, label }: { name: string; tool?: string; label: string }) {
  return (
    <ActionForm action={acceptToolsAction} aria-label={`${label} on ${name}`}>
      {(pending) => (
        <>
          <input type="hidden" name="name" value={name} />
          {tool ? <input type="hidden" name="tool" value={tool} /> : null}
          <Button type="submit" disabled={pending}>{label}</Button>
        </>
      )}
    </ActionForm>
  );
}
