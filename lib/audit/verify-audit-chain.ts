import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import type { Db } from "@/lib/db/client";

export interface ChainBreak {
  seq: string;
  problem: "sequence_gap" | "prev_hash_mismatch" | "hash_mismatch";
  message: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  head: { seq: string; hash: string } | null;
  firstBreak: ChainBreak | null;
}

const BATCH = 5_000;

/** Walks the whole chain in order and reports the first link that does not hold. */
export async function verifyAuditChain(database: Db): Promise<ChainReport> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after = 0n;
  for (;;) {
    const rows = await database.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: BATCH });
    for (const row of rows) {
      const fail = (problem: ChainBreak["problem"], message: string): ChainReport => ({
        ok: false,
        checked,
        head: null,
        firstBreak: { seq: row.seq.toString(), problem, message },
      });
      if (row.seq !== expectedSeq) {
        return fail("sequence_gap", `event ${expectedSeq} is missing: the chain jumps to ${row.seq}`);
      }
      if (row.prevHash !== prevHash) {
        return fail("prev_hash_mismatch", `event ${row.seq} does not follow event ${row.seq - 1n} (deleted or reordered)`);
      }
      if (chainHash(prevHash, row) !== row.hash) {
        return fail("hash_mismatch", `event ${row.seq} was changed after it was written`);
      }
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].seq;
  }
  return {
    ok: true,
    checked,
    head: checked > 0 ? { seq: (expectedSeq - 1n).toString(), hash: prevHash } : null,
    firstBreak: null,
  };
}
