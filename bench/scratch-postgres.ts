/**
 * A throwaway PostgreSQL database for one benchmark run: created on the server named by a URL, dropped afterwards.
 * BENCH_DATABASE_PREFIX names it (default portcullis_bench), so runs sharing a server can be told apart.
 */
import { createScratchDatabase, type ScratchDatabase } from "@/test/support/scratch-database";

export type { ScratchDatabase };

export function scratchPostgres(serverUrl: string): Promise<ScratchDatabase> {
  return createScratchDatabase(serverUrl, process.env.BENCH_DATABASE_PREFIX ?? "portcullis_bench");
}
