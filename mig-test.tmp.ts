import { applyPendingMigrations } from "@/lib/db/migrate";
const url = process.argv[2];
console.log(await applyPendingMigrations(url));
