import type { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

const PROTOCOL_3_0 = 196_608;
const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** A message after which the backend answers ReadyForQuery: the end of one client's exchange with the session. */
function endsExchange(message: Uint8Array): boolean {
  if (message.length >= 8 && new DataView(message.buffer, message.byteOffset, message.byteLength).getInt32(4) === PROTOCOL_3_0) {
    return true; // the startup packet
  }
  return message[0] === SYNC || message[0] === SIMPLE_QUERY || message[0] === TERMINATE;
}

/**
 * The order in which socket clients' protocol messages reach PGlite's single session. pglite-socket 0.2.17 keeps a
 * client's messages together only inside a transaction, so two connections' extended-query batches (Parse, Bind,
 * Execute, Sync) interleave and one binds the other's unnamed statement: errors, or silently another query's rows
 * (electric-sql/pglite#1046). Here one client owns the session from its first message until the backend is ready for
 * a new query and no transaction is open; the others wait. A failing message rejects its own caller and the queue
 * keeps going (the original stops for good on a throw).
 */
export class SessionQueryQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private next(): QueuedMessage | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((q) => q.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        const current = item;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          current.resolve(bytes);
        } catch (error) {
          current.reject(error);
        }
        this.owner = endsExchange(current.message) && !this.db.isInTransaction() ? null : current.handlerId;
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A client went away: roll back what it left open and let the others in. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    void this.process();
  }
}

/** Replaces the socket server's message queue with SessionQueryQueue. Call before `start()`. */
export function useSessionQueue(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: unknown };
  if (!internals.queryQueue) {
    throw new Error("pglite-socket changed: its query queue cannot be replaced; check electric-sql/pglite#1046 before upgrading");
  }
  internals.queryQueue = new SessionQueryQueue(db);
}
