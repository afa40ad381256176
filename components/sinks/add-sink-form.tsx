"use client";

import { useState } from "react";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { addSinkAction } from "@/lib/actions/audit/audit-sinks";

const ENDPOINT_HINTS: Record<string, string> = {
  webhook: "https://siem.example/ingest (http only for localhost). JSON Lines batches.",
  syslog: "tls://host:6514 (tcp:// only to localhost or, allowed, a private network). RFC 5424.",
  otlp: "https://collector.example/v1/logs (OTLP/HTTP).",
};

/** Adds an audit sink. Its token and client key are write-only: sealed at rest, never shown again. */
export function AddSinkForm() {
  const [kind, setKind] = useState("webhook");
  return (
    <ActionForm action={addSinkAction} resetOnSuccess aria-label="Add audit sink" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Name" hint="Letters, digits, . _ -">
              <Input name="name" required maxLength={63} autoComplete="off" />
            </Field>
            <Field label="Kind">
              <Select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                <option value="webhook">Webhook (JSON Lines)</option>
                <option value="syslog">Syslog (RFC 5424)</option>
                <option value="otlp">OpenTelemetry logs (OTLP/HTTP)</option>
              </Select>
            </Field>
            <Field label="Endpoint" hint={ENDPOINT_HINTS[kind]}>
              <Input name="endpoint" required maxLength={2000} autoComplete="off" />
            </Field>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            {kind !== "syslog" ? (
              <Field label="Bearer token (optional)" hint="Sealed at rest; never shown again.">
                <Input name="token" type="password" autoComplete="off" maxLength={4096} />
              </Field>
            ) : null}
            <Field label="Start from">
              <Select name="from" defaultValue="beginning">
                <option value="beginning">The first event (deliver the whole chain)</option>
                <option value="now">Events from now on</option>
              </Select>
            </Field>
          </div>
          <details className="text-sm">
            <summary className="cursor-pointer text-slate-700">TLS client certificate and CA (optional)</summary>
            <div className="mt-3 grid gap-4 sm:grid-cols-3">
              <Field label="Client certificate (PEM)">
                <textarea name="clientCert" rows={3} className="w-full rounded border border-slate-300 p-2 font-mono text-xs" />
              </Field>
              <Field label="Client key (PEM)" hint="Sealed at rest; never shown again.">
                <textarea name="clientKey" rows={3} autoComplete="off" className="w-full rounded border border-slate-300 p-2 font-mono text-xs" />
              </Field>
              <Field label="CA certificate (PEM)">
                <textarea name="ca" rows={3} className="w-full rounded border border-slate-300 p-2 font-mono text-xs" />
              </Field>
            </div>
          </details>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="allowPrivate" /> Allow private addresses (a receiver inside this network)
          </label>
          <Button type="submit" disabled={pending}>{pending ? "Checking…" : "Add sink"}</Button>
        </>
      )}
    </ActionForm>
  );
}
