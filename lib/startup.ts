import { closeDatabase, db } from "@/lib/db/client";
import { openDatabase, type OpenDatabase } from "@/lib/db/open-database";
import type { EmbeddedRole } from "@/lib/db/embedded";
import { seedPolicy } from "@/lib/policy/seed-policy";

export interface Started {
  database: OpenDatabase;
  stop(): Promise<void>;
}

/** Everything a Portcullis process needs before it serves anything: database, migrations, seeded policy. */
export async function startPortcullis(role: EmbeddedRole): Promise<Started> {
  const database = await openDatabase(role);
  await seedPolicy(db());
  return {
    database,
    async stop() {
      await closeDatabase();
      await database.close();
    },
  };
}
