import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";

/** One received event: what a SIEM de-duplicates on. */
export interface ReceivedEvent {
  seq: number;
  hash: string;
  kind: string;
}

/**
 * What a receiver accepted, de-duplicated the way the sinks' contract allows: an event at or below the last accepted
 * seq is a repeat (its hash must match what was accepted), the next seq is accepted, anything beyond it is a gap.
 */
export class ReceivedLog {
  readonly accepted: ReceivedEvent[] = [];
  readonly problems: string[] = [];
  duplicates = 0;
  requests = 0;
  headers: Record<string, string | string[] | undefined>[] = [];

  take(event: ReceivedEvent): void {
    const last = this.accepted.at(-1)?.seq ?? 0;
    if (event.seq <= last) {
      this.duplicates += 1;
      const seen = this.accepted.find((e) => e.seq === event.seq);
      if (seen && seen.hash !== event.hash) this.problems.push(`seq ${event.seq} arrived again with another hash`);
      return;
    }
    if (event.seq !== last + 1) this.problems.push(`gap: seq ${event.seq} after ${last}`);
    this.accepted.push(event);
  }

  get lastSeq(): number {
    return this.accepted.at(-1)?.seq ?? 0;
  }
}

export interface Receiver {
  log: ReceivedLog;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function closeServer(server: Server | NetServer | undefined, sockets: Set<Socket>): Promise<void> {
  if (!server) return Promise.resolve();
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  return new Promise((resolve) => server.close(() => resolve()));
}

function httpReceiver(port: number, handle: (body: string, req: IncomingMessage, log: ReceivedLog) => number): Receiver {
  const log = new ReceivedLog();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    log,
    port,
    start: () =>
      new Promise((resolve) => {
        server = createHttpServer(async (req, res) => {
          const body = await readBody(req);
          log.requests += 1;
          log.headers.push(req.headers);
          res.writeHead(handle(body, req, log)).end();
        });
        server.on("connection", (s) => {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
        });
        server.listen(port, "127.0.0.1", () => resolve());
      }),
    stop: () => closeServer(server, sockets),
  };
}

/** A webhook endpoint taking JSON Lines batches. `failNext`: accept the next N batches but answer 500 (a lost ack). */
export function webhookReceiver(port: number): Receiver & { failNext: number } {
  const receiver = httpReceiver(port, (body, _req, log) => {
    for (const line of body.split("\n").filter(Boolean)) {
      const event = JSON.parse(line) as { seq: string; hash: string; kind: string };
      log.take({ seq: Number(event.seq), hash: event.hash, kind: event.kind });
    }
    if (state.failNext > 0) {
      state.failNext -= 1;
      return 500;
    }
    return 204;
  });
  const state = Object.assign(receiver, { failNext: 0 });
  return state;
}

/** An OTLP/HTTP logs endpoint (JSON encoding, as @opentelemetry/exporter-logs-otlp-http sends it). */
export function otlpReceiver(port: number): Receiver {
  type AnyValue = { stringValue?: string; intValue?: number | string };
  return httpReceiver(port, (body, req, log) => {
    if (req.url !== "/v1/logs") return 404;
    const request = JSON.parse(body) as {
      resourceLogs: { scopeLogs: { logRecords: { body: AnyValue; attributes: { key: string; value: AnyValue }[] }[] }[] }[];
    };
    for (const resourceLog of request.resourceLogs) {
      for (const scopeLog of resourceLog.scopeLogs) {
        for (const record of scopeLog.logRecords) {
          const attr = (key: string) => record.attributes.find((a) => a.key === key)?.value;
          const event = JSON.parse(record.body.stringValue!) as { kind: string };
          log.take({ seq: Number(attr("portcullis.audit.seq")?.intValue), hash: attr("portcullis.audit.hash")!.stringValue!, kind: event.kind });
        }
      }
    }
    return 200;
  });
}

/**
 * A syslog server over TCP with octet-counted framing (RFC 6587), closing its side when the sender closes its own; over
 * TLS (RFC 5425) with `tls`, asking for a client certificate signed by `tls.ca` when given.
 */
export function syslogReceiver(port: number, tls?: { key: string; cert: string; ca?: string }): Receiver & { messages: string[]; peers: string[] } {
  const peers: string[] = [];
  const log = new ReceivedLog();
  const sockets = new Set<Socket>();
  const messages: string[] = [];
  let server: NetServer | undefined;
  const parse = (message: string) => {
    messages.push(message);
    const seq = message.match(/ seq="(\d+)"/)![1];
    const hash = message.match(/ hash="([0-9a-f]{64})"/)![1];
    const kind = message.split(" ")[5];
    log.take({ seq: Number(seq), hash, kind });
  };
  return {
    log,
    port,
    messages,
    peers,
    start: () =>
      new Promise((resolve) => {
        const onConnection = (socket: Socket) => {
          if (tls?.ca) peers.push(String((socket as TLSSocket).getPeerCertificate().subject?.CN ?? ""));
          sockets.add(socket);
          log.requests += 1;
          let buffer = Buffer.alloc(0);
          socket.on("data", (chunk: Buffer) => {
            buffer = Buffer.concat([buffer, chunk]);
            for (;;) {
              const space = buffer.indexOf(0x20);
              if (space < 0) break;
              const length = Number(buffer.subarray(0, space).toString("ascii"));
              if (buffer.length < space + 1 + length) break;
              parse(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
              buffer = buffer.subarray(space + 1 + length);
            }
          });
          socket.on("end", () => socket.end());
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => {});
        };
        server = tls
          ? createTlsServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, onConnection)
          : createNetServer(onConnection);
        server.listen(port, "127.0.0.1", () => resolve());
      }),
    stop: () => closeServer(server, sockets),
  };
}

/** A TCP port that accepts connections and never answers: the sink that "never answers". */
export function silentReceiver(port: number): Receiver {
  const sockets = new Set<Socket>();
  let server: NetServer | undefined;
  return {
    log: new ReceivedLog(),
    port,
    start: () =>
      new Promise((resolve) => {
        server = createNetServer((socket) => {
          sockets.add(socket);
          socket.on("error", () => {});
          socket.on("close", () => sockets.delete(socket));
        });
        server.listen(port, "127.0.0.1", () => resolve());
      }),
    stop: () => closeServer(server, sockets),
  };
}
