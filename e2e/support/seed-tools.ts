// Puts MCP tool rows into the e2e server's database, as the MCP endpoint's start-up sync will once it exists:
// `tsx e2e/support/seed-tools.ts '{"list_clients":"clients:read"}'`. Runs as a guest of the server's embedded database.
import { changeTransaction } from "@/lib/changes/change-transaction";
import { startPortcullis } from "@/lib/startup";
import { insertTestTools } from "@/test/support/tools";

const tools = JSON.parse(process.argv[2] ?? "{}") as Record<string, string>;
const started = await startPortcullis("cli");
try {
  await changeTransaction(["policy"], (tx) => insertTestTools(tx, tools));
} finally {
  await started.stop();
}
