import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { jsonLine } from "@/lib/audit/format-audit-export";
import { checkLiteralAddress, guardedLookup } from "@/lib/sinks/guarded-lookup";
import type { SinkTransport } from "@/lib/sinks/opened-sink";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";

/**
 * POSTs a batch as JSON Lines (one event per line, exactly as `audit export --format jsonl` writes it). Delivered
 * means a 2xx answer; a redirect is not followed. The headers name the batch's first and last seq, so a receiver can
 * acknowledge idempotently: a batch can arrive twice (at least once), never out of order.
 */
export const deliverWebhook: SinkTransport = (sink, events) => {
  const url = sink.target.url!;
  checkLiteralAddress(sink.target.host, sink.allowPrivate);
  const body = Buffer.from(events.map(jsonLine).join(""), "utf8");
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const fail = (message: string) => reject(new SinkDeliveryError(message));
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "Content-Type": "application/jsonl",
          "Content-Length": String(body.length),
          "User-Agent": "Portcullis (audit sink)",
          "Portcullis-Sink": sink.name,
          "Portcullis-First-Seq": events[0].seq,
          "Portcullis-Last-Seq": events[events.length - 1].seq,
          ...(sink.secrets.token ? { Authorization: `Bearer ${sink.secrets.token}` } : {}),
        },
        lookup: guardedLookup(sink.allowPrivate),
        timeout: sink.timeoutMs,
        ...(url.protocol === "https:" ? { ca: sink.ca, cert: sink.secrets.clientCert, key: sink.secrets.clientKey } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on("end", () => (status >= 200 && status < 300 ? resolve() : fail(`webhook answered HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}`)));
        res.on("error", () => fail("webhook answer could not be read"));
      },
    );
    const deadline = setTimeout(() => req.destroy(new SinkDeliveryError(`webhook did not answer within ${sink.timeoutMs / 1000} s`)), sink.timeoutMs);
    req.on("timeout", () => req.destroy(new SinkDeliveryError(`webhook did not answer within ${sink.timeoutMs / 1000} s`)));
    req.on("error", (error) => {
      if (error instanceof SinkDeliveryError) reject(error);
      else fail(`webhook could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`);
    });
    req.on("close", () => clearTimeout(deadline));
    req.end(body);
  });
};
