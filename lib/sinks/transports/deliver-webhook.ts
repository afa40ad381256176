import { jsonLine } from "@/lib/audit/format-audit-export";
import { guardedPost } from "@/lib/sinks/guarded-post";
import type { SinkTransport } from "@/lib/sinks/opened-sink";

/**
 * POSTs a batch as JSON Lines (one event per line, exactly as `audit export --format jsonl` writes it). Delivered
 * means a 2xx answer; a redirect is not followed. The headers name the batch's first and last seq, so a receiver can
 * acknowledge idempotently: a batch can arrive twice (at least once), never out of order.
 */
export const deliverWebhook: SinkTransport = (sink, events) =>
  guardedPost(sink.target.url!, Buffer.from(events.map(jsonLine).join(""), "utf8"), {
    contentType: "application/jsonl",
    headers: {
      "User-Agent": "Portcullis (audit sink)",
      "Portcullis-Sink": sink.name,
      "Portcullis-First-Seq": events[0].seq,
      "Portcullis-Last-Seq": events[events.length - 1].seq,
      ...(sink.secrets.token ? { Authorization: `Bearer ${sink.secrets.token}` } : {}),
    },
    allowPrivate: sink.allowPrivate,
    timeoutMs: sink.timeoutMs,
    tls: { ca: sink.ca, cert: sink.secrets.clientCert, key: sink.secrets.clientKey },
  });
