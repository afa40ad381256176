import { SeverityNumber } from "@opentelemetry/api-logs";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord, type SdkLogRecord } from "@opentelemetry/sdk-logs";
import type { AuditEventRecordView } from "@/lib/audit/audit-rows";
import { env } from "@/lib/env";
import { checkLiteralAddress, guardedLookup } from "@/lib/sinks/guarded-lookup";
import type { SinkTransport } from "@/lib/sinks/opened-sink";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";

/** Keeps what the logger emits, in order, so the whole batch goes out in one export whose outcome we wait for. */
class CollectingProcessor implements LogRecordProcessor {
  readonly records: SdkLogRecord[] = [];
  onEmit(record: SdkLogRecord): void {
    this.records.push(record);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function attributes(event: AuditEventRecordView): Record<string, string | number | string[]> {
  const optional = {
    "portcullis.audit.actor": event.actor,
    "portcullis.audit.subject": event.subject,
    "portcullis.audit.client_id": event.clientId,
    "portcullis.audit.tool": event.tool,
    "portcullis.audit.decision": event.decision,
    "portcullis.audit.request_id": event.requestId,
    "client.address": event.ip,
  };
  return {
    "portcullis.audit.seq": Number(event.seq),
    "portcullis.audit.hash": event.hash,
    "portcullis.audit.prev_hash": event.prevHash,
    "portcullis.audit.kind": event.kind,
    ...(event.scopes.length ? { "portcullis.audit.scopes": event.scopes } : {}),
    ...Object.fromEntries(Object.entries(optional).filter((entry): entry is [string, string] => typeof entry[1] === "string")),
  };
}

/**
 * Exports a batch as OpenTelemetry log records over OTLP/HTTP with the official SDK and exporter: one export request,
 * records in chain order, each with the event's seq and hash as attributes and the whole event as its JSON body.
 * The exporter's own retries stay inside the sink timeout; the deliverer retries beyond it.
 */
export const deliverOtlp: SinkTransport = async (sink, events) => {
  checkLiteralAddress(sink.target.host, sink.allowPrivate);
  const collector = new CollectingProcessor();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "portcullis", "service.instance.id": env().issuer }),
    processors: [collector],
  });
  const logger = provider.getLogger("portcullis.audit");
  for (const event of events) {
    logger.emit({
      eventName: event.kind,
      timestamp: new Date(event.at),
      severityNumber: event.decision === "deny" || event.kind === "sink.lagging" ? SeverityNumber.WARN : SeverityNumber.INFO,
      severityText: event.decision === "deny" || event.kind === "sink.lagging" ? "WARN" : "INFO",
      body: JSON.stringify(event),
      attributes: attributes(event),
    });
  }
  const exporter = new OTLPLogExporter({
    url: sink.endpoint,
    timeoutMillis: sink.timeoutMs,
    concurrencyLimit: 1,
    headers: sink.secrets.token ? { Authorization: `Bearer ${sink.secrets.token}` } : {},
    httpAgentOptions: {
      keepAlive: false,
      lookup: guardedLookup(sink.allowPrivate),
      ...(sink.target.protocol === "https:" ? { ca: sink.ca, cert: sink.secrets.clientCert, key: sink.secrets.clientKey } : {}),
    },
  });
  try {
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
      exporter.export(collector.records as ReadableLogRecord[], resolve),
    );
    if (result.code !== ExportResultCode.SUCCESS) {
      const cause = result.error as (Error & { code?: string }) | undefined;
      throw new SinkDeliveryError(`OTLP export failed${cause ? ` (${cause instanceof SinkDeliveryError ? cause.message : (cause.code ?? cause.message)})` : ""}`);
    }
  } finally {
    await exporter.shutdown().catch(() => {});
    await provider.shutdown().catch(() => {});
  }
};
