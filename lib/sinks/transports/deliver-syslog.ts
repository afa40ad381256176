import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { env } from "@/lib/env";
import { checkLiteralAddress, guardedLookup } from "@/lib/sinks/guarded-lookup";
import type { SinkTransport } from "@/lib/sinks/opened-sink";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";
import { formatSyslogMessage, frameSyslogMessage } from "@/lib/sinks/transports/format-syslog-message";

/**
 * Sends a batch over one TCP (RFC 6587) or TLS (RFC 5425) connection, octet-counted. Syslog has no acknowledgement,
 * so delivery is confirmed the one way the transport allows: after the last message Portcullis closes its side and
 * waits for the receiver to close its own, which it does only once it has read everything (rsyslog and syslog-ng
 * do). A reset, an error or no close within the timeout counts as not delivered, and the batch is sent again.
 */
export const deliverSyslog: SinkTransport = (sink, events) => {
  const { host, port, protocol } = sink.target;
  checkLiteralAddress(host, sink.allowPrivate);
  const hostname = new URL(env().issuer).hostname;
  const payload = Buffer.concat(events.map((event) => frameSyslogMessage(formatSyslogMessage(event, { facility: sink.facility, hostname }))));
  const bareHost = host.replace(/^\[|\]$/g, "");
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const lookup = guardedLookup(sink.allowPrivate);
    const socket: Socket =
      protocol === "tls:"
        ? tlsConnect({ host: bareHost, port, servername: /^[\d.:]+$/.test(bareHost) ? undefined : bareHost, lookup, ca: sink.ca, cert: sink.secrets.clientCert, key: sink.secrets.clientKey })
        : netConnect({ host: bareHost, port, lookup });
    const deadline = setTimeout(() => finish(new SinkDeliveryError(`syslog receiver did not confirm within ${sink.timeoutMs / 1000} s`)), sink.timeoutMs);
    let written = false;
    socket.once(protocol === "tls:" ? "secureConnect" : "connect", () => {
      socket.end(payload, () => {
        written = true;
      });
    });
    socket.on("data", () => {});
    // The receiver's close counts only after all of ours was written: one before that is a receiver giving up.
    socket.once("end", () => finish(written ? undefined : new SinkDeliveryError("syslog receiver closed the connection before reading the batch")));
    socket.once("error", (error) => {
      if (error instanceof SinkDeliveryError) finish(error);
      else finish(new SinkDeliveryError(`syslog receiver could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    });
    socket.once("close", (hadError) => {
      if (!hadError) finish(new SinkDeliveryError("syslog receiver closed the connection early"));
    });
  });
};
