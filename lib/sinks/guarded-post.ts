import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { checkLiteralAddress, guardedLookup } from "@/lib/sinks/guarded-lookup";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";

export interface GuardedPostOptions {
  contentType: string;
  headers?: Record<string, string>;
  allowPrivate: boolean;
  timeoutMs: number;
  /** TLS material for https (a sink's CA and client certificate). */
  tls?: { ca?: string; cert?: string; key?: string };
  /** Names the receiver in error messages ("webhook"). */
  label?: string;
}

/**
 * POSTs a body to an admin-set URL under the sinks' SSRF rules: a private address is refused unless allowed (checked in
 * the connection's own DNS lookup, and for a literal address before connecting), a redirect is never followed, and
 * the receiver must answer 2xx within the timeout. Failures are `SinkDeliveryError`s whose message is safe to show.
 */
export function guardedPost(url: URL, body: Buffer, options: GuardedPostOptions): Promise<void> {
  const label = options.label ?? "webhook";
  checkLiteralAddress(url.hostname, options.allowPrivate);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const fail = (message: string) => reject(new SinkDeliveryError(message));
    const timedOut = () => new SinkDeliveryError(`${label} did not answer within ${options.timeoutMs / 1000} s`);
    const req = request(
      url,
      {
        method: "POST",
        headers: { "Content-Type": options.contentType, "Content-Length": String(body.length), ...options.headers },
        lookup: guardedLookup(options.allowPrivate),
        timeout: options.timeoutMs,
        ...(url.protocol === "https:" ? { ca: options.tls?.ca, cert: options.tls?.cert, key: options.tls?.key } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on("end", () => (status >= 200 && status < 300 ? resolve() : fail(`${label} answered HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}`)));
        res.on("error", () => fail(`${label} answer could not be read`));
      },
    );
    const deadline = setTimeout(() => req.destroy(timedOut()), options.timeoutMs);
    req.on("timeout", () => req.destroy(timedOut()));
    req.on("error", (error) => {
      if (error instanceof SinkDeliveryError) reject(error);
      else fail(`${label} could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`);
    });
    req.on("close", () => clearTimeout(deadline));
    req.end(body);
  });
}
