"use client";

import { useState } from "react";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { addServerAction } from "@/lib/actions/servers/add-server";

/** Registers an upstream: Portcullis connects and lists its tools first; secrets are write-only (never shown again). */
export function AddServerForm() {
  const [kind, setKind] = useState("none");
  return (
    <ActionForm action={addServerAction} resetOnSuccess aria-label="Add server" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Name" hint="Lower-case letters, digits and -. Clients connect to /mcp/<name>.">
              <Input name="name" required maxLength={63} pattern="[a-z0-9](?:[a-z0-9-]*[a-z0-9])?" autoComplete="off" />
            </Field>
            <Field label="Streamable HTTP URL" hint="http(s), no credentials in the URL. Private addresses are fine.">
              <Input name="url" type="url" required maxLength={2048} placeholder="https://mcp.internal.example/mcp" />
            </Field>
            <Field label="Description">
              <Input name="description" maxLength={500} />
            </Field>
            <Field label="How Portcullis authenticates to it">
              <Select name="authKind" value={kind} onChange={(e) => setKind(e.target.value)}>
                <option value="none">None</option>
                <option value="header">A static header (e.g. an API key)</option>
                <option value="client_credentials">OAuth client credentials</option>
              </Select>
            </Field>
          </div>
          {kind === "header" ? (
            <Field label="Header" hint='"Name: value", e.g. "Authorization: Bearer …" or "X-API-Key: …". Sealed at rest; never shown again.'>
              <Input name="header" type="password" required autoComplete="off" />
            </Field>
          ) : null}
          {kind === "client_credentials" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Token URL">
                <Input name="tokenUrl" type="url" required />
              </Field>
              <Field label="Client id">
                <Input name="clientId" required autoComplete="off" />
              </Field>
              <Field label="Client secret" hint="Sealed at rest; never shown again.">
                <Input name="clientSecret" type="password" required autoComplete="off" />
              </Field>
              <Field label="Scope (optional)">
                <Input name="oauthScope" />
              </Field>
              <Field label="Resource (optional, RFC 8707)">
                <Input name="oauthResource" type="url" />
              </Field>
            </div>
          ) : null}
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="acceptAll" /> Accept all tools the server lists now (otherwise each is held until you review it)
          </label>
          <Button type="submit" disabled={pending}>{pending ? "Connecting…" : "Add server"}</Button>
        </>
      )}
    </ActionForm>
  );
}
