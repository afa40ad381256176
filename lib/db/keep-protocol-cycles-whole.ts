import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** The parts of pglite-socket's query queue this patch relies on (pglite-socket 0.2.x). */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(message: Uint8Array, options: { onRawData(data: Uint8Array): void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
  pinnedHandler?: number | null;
}

// Extended-query messages (PostgreSQL protocol §55.2.3): Parse, Bind, Describe, Execute, Close, Flush. Until the
// connection's Sync, the unnamed statement and portal they create belong to that connection.
const EXTENDED_QUERY_MESSAGES = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket serves one PGlite session to many connections by queueing their messages, but outside a transaction
 * it interleaves them one message at a time. Two connections' Parse/Bind/Execute cycles then share PGlite's unnamed
 * statement: a query can fail ("unnamed prepared statement does not exist") or, worse, receive another query's rows.
 * This keeps each connection's extended-query cycle whole — from its first Parse to its Sync — as the queue already
 * does for transactions. A failed message no longer stops the queue for good, and a connection that goes away
 * mid-cycle releases it.
 */
export function keepProtocolCyclesWhole(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  if (!queue || typeof queue.processQueue !== "function" || !Array.isArray(queue.queue)) {
    throw new Error("pglite-socket's query queue changed shape; review lib/db/keep-protocol-cycles-whole.ts");
  }
  queue.pinnedHandler = null;

  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = this.pinnedHandler ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === owner);
        // The owner's next message has not arrived yet: everyone else waits; its arrival restarts the queue.
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          this.pinnedHandler = null;
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        this.pinnedHandler = EXTENDED_QUERY_MESSAGES.has(item.message[0]) ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }.bind(queue);

  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (queue.pinnedHandler === handlerId) {
      queue.pinnedHandler = null;
      void queue.processQueue();
    }
  };
}
