import pg from "pg";
import { AUDIT_COLUMNS } from "@/lib/audit/audit-sql";
import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import type { AuditRecord } from "@/lib/audit/types";
import { verifyAuditChain, type ChainReport, type VerifyOptions } from "@/lib/audit/verify-audit-chain";
import { databaseUrl, type Db } from "@/lib/db/client";

/**
 * The canonical form of an event (lib/audit/hash-chain.ts canonicalEvent) written in SQL with PostgreSQL's built-in
 * functions only, schema-qualified and inline: no stored function that whoever owns the tables could replace. A
 * `detail` holding a nested object or array is left to the verifier's own code (NULL here), as is anything where the
 * two forms could differ (a number PostgreSQL prints differently): the hash then does not match, and that event is
 * recomputed in JavaScript. A match is proof enough: SHA-256 over these bytes equals the hash the writer computed.
 */
// Events of one range PostgreSQL may leave to this process one by one; beyond that the whole range is recomputed here.
const MAX_LEFT_TO_US = 10_000;

const text = (column: string) => `COALESCE(pg_catalog.to_json(${column})::text, 'null')`;
const DETAIL = `CASE
    WHEN "detail" = '{}'::jsonb THEN '{}'
    WHEN pg_catalog.jsonb_typeof("detail") = 'object'
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.jsonb_each("detail") e WHERE pg_catalog.jsonb_typeof(e.value) IN ('object', 'array'))
    THEN '{' || (SELECT pg_catalog.string_agg(pg_catalog.to_json(e.key)::text || ':' || e.value::text, ',' ORDER BY e.key COLLATE "C")
                 FROM pg_catalog.jsonb_each("detail") e) || '}'
  END`;
const CANONICAL = `'{"actor":' || ${text(`"actor"`)} ||
  ',"at":"' || pg_catalog.to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
  '","clientId":' || ${text(`"clientId"`)} || ',"decision":' || ${text(`"decision"`)} || ',"detail":' || ${DETAIL} ||
  ',"ip":' || ${text(`"ip"`)} || ',"kind":' || pg_catalog.to_json("kind")::text || ',"reason":' || ${text(`"reason"`)} ||
  ',"requestId":' || ${text(`"requestId"`)} || ',"scopes":' || COALESCE(pg_catalog.to_json("scopes")::text, 'null') ||
  ',"seq":"' || "seq"::text || '","subject":' || ${text(`"subject"`)} || ',"tool":' || ${text(`"tool"`)} || '}'`;

/**
 * One range of events checked inside the database: how many, its ends, and the first event whose link or hash does
 * not hold there (null: all of them hold). Links are checked within the range; its first link is the caller's.
 */
const CHECK_RANGE = `SELECT count(*)::bigint AS n, min("seq") AS first, max("seq") AS last,
    count(*) FILTER (WHERE NOT linked OR hashed IS NOT TRUE) AS bad_count,
    (pg_catalog.array_agg("seq" ORDER BY "seq") FILTER (WHERE NOT linked OR hashed IS NOT TRUE))[1:${MAX_LEFT_TO_US}] AS bad
  FROM (
    SELECT "seq",
      (pg_catalog.lag("seq") OVER w IS NULL OR ("seq" = pg_catalog.lag("seq") OVER w + 1 AND "prevHash" = pg_catalog.lag("hash") OVER w)) AS linked,
      pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to("prevHash" || ${CANONICAL}, 'UTF8')), 'hex') = "hash" AS hashed
    FROM "AuditEvent" WHERE "seq" BETWEEN $1 AND $2
    WINDOW w AS (ORDER BY "seq")
  ) t`;

const RANGE = 200_000n;

interface RangeResult {
  n: bigint;
  first: bigint | null;
  last: bigint | null;
  /** Events whose link or hash PostgreSQL did not confirm (all of them up to MAX_LEFT_TO_US; `tooMany` beyond). */
  bad: bigint[];
  tooMany: boolean;
  firstPrevHash: string | null;
  lastHash: string | null;
}

async function checkRange(client: pg.Client, from: bigint, to: bigint): Promise<RangeResult> {
  const { rows } = await client.query<{ n: string; first: string | null; last: string | null; bad_count: string; bad: string[] | null }>(CHECK_RANGE, [from.toString(), to.toString()]);
  const row = rows[0];
  const first = row.first === null ? null : BigInt(row.first);
  const last = row.last === null ? null : BigInt(row.last);
  const ends = first === null ? { rows: [] } : await client.query<{ seq: string; prevHash: string; hash: string }>(
    `SELECT "seq", "prevHash", "hash" FROM "AuditEvent" WHERE "seq" = $1 OR "seq" = $2`,
    [first.toString(), last!.toString()],
  );
  const bySeq = new Map(ends.rows.map((r) => [BigInt(r.seq), r]));
  return {
    n: BigInt(row.n),
    first,
    last,
    bad: (row.bad ?? []).map(BigInt),
    tooMany: Number(row.bad_count) > MAX_LEFT_TO_US,
    firstPrevHash: first === null ? null : (bySeq.get(first)?.prevHash ?? null),
    lastHash: last === null ? null : (bySeq.get(last)?.hash ?? null),
  };
}

/** The events of one range recomputed here, from `prevHash`: true when every one holds (events PostgreSQL left to us). */
async function recheckHere(client: pg.Client, from: bigint, to: bigint, prevHash: string): Promise<boolean> {
  let expected = from;
  for (let after = from - 1n; after < to; ) {
    const { rows } = await client.query<AuditRecord & { seq: string }>(
      `SELECT ${AUDIT_COLUMNS}
       FROM "AuditEvent" WHERE "seq" > $1 AND "seq" <= $2 ORDER BY "seq" LIMIT 10000`,
      [after.toString(), to.toString()],
    );
    if (rows.length === 0) break;
    for (const raw of rows) {
      const row = { ...raw, seq: BigInt(raw.seq) };
      if (row.seq !== expected || row.prevHash !== prevHash || chainHash(prevHash, row) !== row.hash) return false;
      prevHash = row.hash;
      expected += 1n;
    }
    after = BigInt(rows[rows.length - 1].seq);
  }
  return expected === to + 1n;
}

/**
 * A full verification (from the first event, or from the newest archive) with the hashing done by PostgreSQL, in
 * ranges of 200,000 events checked on two connections at once: the events never travel to this process, only one row
 * per range. Every link and hash is still checked; an event whose hash PostgreSQL's form does not reproduce is
 * recomputed here. What it trusts beyond the in-process verification: the database server's own built-in functions
 * (to_json, sha256) — whoever can replace those can also hide a change from it, which `verifyAuditChain` (every event
 * hashed in this process) would still catch. On any break, and for the checkpoints, it hands over to
 * `verifyAuditChain`, so a broken chain is reported exactly as the in-process verification reports it.
 */
export async function verifyAuditChainInDatabase(
  database: Db,
  options: Omit<VerifyOptions, "since"> & { connections?: number } = {},
): Promise<ChainReport & { recomputedHere?: number }> {
  const started = performance.now();
  const archive = await database.auditArchive.findFirst({ orderBy: { lastSeq: "desc" }, select: { lastSeq: true, lastHash: true, checkpoint: true } });
  const [head] = await database.$queryRawUnsafe<Array<{ seq: bigint | null }>>(`SELECT max("seq") AS seq FROM "AuditEvent"`);
  const startSeq = (archive?.lastSeq ?? 0n) + 1n;
  const headSeq = head?.seq ?? 0n;
  const clients = await Promise.all(
    Array.from({ length: Math.max(1, options.connections ?? 2) }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      return client;
    }),
  );
  let intact = true;
  let checked = 0;
  let leftToUs = 0;
  let verifiedHead: { seq: bigint; hash: string } | undefined;
  try {
    let prevHash = archive?.lastHash ?? GENESIS_HASH;
    let next = startSeq;
    const inFlight: Array<Promise<{ from: bigint; to: bigint; result: RangeResult; client: pg.Client }>> = [];
    const launch = (client: pg.Client) => {
      if (next > headSeq) return;
      const from = next;
      const to = from + RANGE - 1n;
      next = to + 1n;
      inFlight.push(checkRange(client, from, to).then((result) => ({ from, to, result, client })));
    };
    for (const client of clients) launch(client);
    while (inFlight.length > 0) {
      const { from, to, result, client } = await inFlight.shift()!;
      const last = to < headSeq ? to : headSeq;
      // The range must hold every event from `from` to its end, and link to the range before it.
      const complete = result.first === from && result.last === last && result.n === last - from + 1n && result.firstPrevHash === prevHash;
      // Events PostgreSQL did not confirm are recomputed here, each with its link to the event before it (whose stored
      // hash is the link: PostgreSQL confirmed that one, or it is itself among those recomputed here).
      const held = !complete
        ? false
        : result.tooMany
          ? await recheckHere(client, from, last, prevHash)
          : await recheckEach(client, result.bad, from, prevHash);
      leftToUs += result.tooMany ? Number(result.n) : result.bad.length;
      if (!held) {
        intact = false;
        break;
      }
      prevHash = result.lastHash!;
      verifiedHead = { seq: last, hash: prevHash };
      checked += Number(result.n);
      options.onProgress?.({ checked, seq: last.toString(), elapsedMs: performance.now() - started });
      launch(client);
    }
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
  // The checkpoints (and archives) are held by the in-process verification, which walks on from the head verified
  // here (the events appended since). A break found here is re-walked there, so that the report names it exactly.
  const report = await verifyAuditChain(database, { ...options, since: "genesis", ...(intact && verifiedHead ? { verifiedUpTo: verifiedHead } : {}) });
  if (!intact || !report.ok) return report;
  const elapsedMs = performance.now() - started;
  // The walk after the head verified here counted the events appended since.
  const total = checked + (verifiedHead ? report.checked : 0);
  const from = archive ? { seq: archive.lastSeq.toString(), at: String((archive.checkpoint as { at?: unknown }).at) } : null;
  return { ...report, checked: total, from, recomputedHere: leftToUs, elapsedMs, rate: elapsedMs > 0 ? Math.round((total * 1000) / elapsedMs) : 0 };
}

/** The given events recomputed here, each held to the stored hash of the event before it (or `prevHash` at `from`). */
async function recheckEach(client: pg.Client, seqs: bigint[], from: bigint, prevHash: string): Promise<boolean> {
  for (let i = 0; i < seqs.length; i += 1000) {
    const slice = seqs.slice(i, i + 1000);
    const wanted = [...new Set(slice.flatMap((seq) => [seq, seq - 1n]))].map(String);
    const { rows } = await client.query<AuditRecord & { seq: string }>(
      `SELECT ${AUDIT_COLUMNS}
       FROM "AuditEvent" WHERE "seq" = ANY($1::bigint[])`,
      [wanted],
    );
    const bySeq = new Map(rows.map((raw) => [BigInt(raw.seq), { ...raw, seq: BigInt(raw.seq) }]));
    for (const seq of slice) {
      const row = bySeq.get(seq);
      const link = seq === from ? prevHash : bySeq.get(seq - 1n)?.hash;
      if (!row || link === undefined || row.prevHash !== link || chainHash(link, row) !== row.hash) return false;
    }
  }
  return true;
}
