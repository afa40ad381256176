import type { AuditEventRecordView } from "@/lib/audit/audit-rows";
import { unseal } from "@/lib/keys/seal";
import { parseSinkEndpoint, type SinkKind, type SinkTarget } from "@/lib/sinks/sink-input";

/** The secrets of a sink, sealed together at rest. */
export interface SinkSecrets {
  token?: string;
  clientCert?: string;
  clientKey?: string;
}

/** A sink ready to deliver: target parsed, secrets unsealed (in memory only, never logged). */
export interface OpenedSink {
  id: string;
  name: string;
  kind: SinkKind;
  endpoint: string;
  target: SinkTarget;
  allowPrivate: boolean;
  facility: number;
  ca?: string;
  secrets: SinkSecrets;
  timeoutMs: number;
}

/** Delivers a batch of events (in chain order) to one kind of sink; resolves only once the receiver has them. */
export type SinkTransport = (sink: OpenedSink, events: AuditEventRecordView[]) => Promise<void>;

export interface StoredSink {
  id: string;
  name: string;
  kind: string;
  endpoint: string;
  allowPrivate: boolean;
  options: unknown;
  secretSealed: string | null;
}

export async function openSink(row: StoredSink, timeoutMs: number): Promise<OpenedSink> {
  const kind = row.kind as SinkKind;
  const options = (row.options ?? {}) as { facility?: number; ca?: string };
  const secrets = row.secretSealed ? (JSON.parse(await unseal(row.secretSealed)) as SinkSecrets) : {};
  return {
    id: row.id,
    name: row.name,
    kind,
    endpoint: row.endpoint,
    target: parseSinkEndpoint(kind, row.endpoint, row.allowPrivate),
    allowPrivate: row.allowPrivate,
    facility: options.facility ?? 13,
    ca: options.ca,
    secrets,
    timeoutMs,
  };
}
