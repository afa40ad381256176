import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { keepProtocolCyclesWhole } from "@/lib/db/keep-protocol-cycles-whole";
import { AppError } from "@/lib/errors";

/**
 * Embedded PostgreSQL (PGlite). PGlite is one process's database, so exactly one process — the host — opens the data
 * directory and serves it over the PostgreSQL wire protocol on a Unix socket inside a 0700 directory. Every other
 * process (the CLI while the server runs) is a guest that connects to that socket with an ordinary PostgreSQL driver.
 * The server always hosts; a CLI command hosts only when no server is running, for the length of the command.
 */

export type EmbeddedRole = "server" | "cli";

export interface EmbeddedDatabase {
  /** A postgresql:// URL reaching the database through the host's socket. */
  url: string;
  hosted: boolean;
  close(): Promise<void>;
}

interface LockRecord {
  pid: number;
  role: EmbeddedRole;
  socketDir: string;
  startedAt: string;
}

const SOCKET_PORT = 5432;
// sockaddr_un holds 108 bytes; keep headroom for "/.s.PGSQL.5432".
const MAX_SOCKET_DIR_LENGTH = 90;

export function socketUrl(socketDir: string): string {
  return `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
}

function socketDirFor(dataDir: string): string {
  const preferred = join(dataDir, "run");
  if (preferred.length <= MAX_SOCKET_DIR_LENGTH) return preferred;
  const digest = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  return join(tmpdir(), `portcullis-${digest}`);
}

function readLock(lockFile: string): LockRecord | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, "utf8")) as LockRecord;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function socketAnswers(socketDir: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(join(socketDir, `.s.PGSQL.${SOCKET_PORT}`));
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function host(dataDir: string, role: EmbeddedRole, lockFile: string): Promise<EmbeddedDatabase | undefined> {
  const socketDir = socketDirFor(dataDir);
  const record: LockRecord = { pid: process.pid, role, socketDir, startedAt: new Date().toISOString() };
  try {
    writeFileSync(lockFile, JSON.stringify(record), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  const release = () => {
    if (readLock(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
  };
  let pglite: PGlite | undefined;
  try {
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    rmSync(join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), { force: true });
    pglite = await PGlite.create({ dataDir: join(dataDir, "pgdata") });
    const server = new PGLiteSocketServer({
      db: pglite,
      path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
      maxConnections: 64,
    });
    keepProtocolCyclesWhole(server);
    await server.start();
    const opened = pglite;
    process.once("exit", release);
    return {
      url: socketUrl(socketDir),
      hosted: true,
      async close() {
        await server.stop();
        await opened.close();
        release();
        process.off("exit", release);
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => {});
    release();
    throw new AppError("unavailable", `Could not open the embedded database in ${dataDir}: ${(error as Error).message}`);
  }
}

/**
 * Opens the embedded database for this process: hosts it, or joins the process that does.
 * A server waits (up to waitMs) for a CLI command that is hosting to finish, then takes over.
 */
export async function openEmbeddedDatabase(
  dataDir: string,
  role: EmbeddedRole,
  waitMs = 30_000,
): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lockFile = join(dataDir, "portcullis.lock");
  const deadline = Date.now() + waitMs;
  for (;;) {
    const hosted = await host(dataDir, role, lockFile);
    if (hosted) return hosted;

    const holder = readLock(lockFile);
    if (holder && holder.pid !== process.pid && processAlive(holder.pid)) {
      const answering = await socketAnswers(holder.socketDir);
      if (answering && holder.role === "server" && role === "server") {
        throw new AppError(
          "conflict",
          `Another Portcullis server (pid ${holder.pid}) is already using ${dataDir}. Stop it first, or use PostgreSQL (DATABASE_URL) to run several instances.`,
        );
      }
      if (answering && role === "cli") {
        return { url: socketUrl(holder.socketDir), hosted: false, close: async () => {} };
      }
      const startingUp = Date.now() - Date.parse(holder.startedAt) < 60_000;
      if ((answering || startingUp) && Date.now() < deadline) {
        await sleep(200);
        continue;
      }
      if (answering) {
        throw new AppError("unavailable", `The embedded database in ${dataDir} is busy (pid ${holder.pid}); try again.`);
      }
    }
    // The holder is gone (or its lock is unreadable): the lock is stale.
    rmSync(lockFile, { force: true });
  }
}

/** An in-memory PGlite served on a private socket: a throwaway database for tests and benchmarks. */
export async function openEphemeralDatabase(): Promise<EmbeddedDatabase> {
  const socketDir = join(tmpdir(), `portcullis-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const pglite = await PGlite.create();
  const server = new PGLiteSocketServer({ db: pglite, path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), maxConnections: 64 });
  keepProtocolCyclesWhole(server);
  await server.start();
  return {
    url: socketUrl(socketDir),
    hosted: true,
    async close() {
      await server.stop();
      await pglite.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
