import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";
import { listTools } from "@/lib/tools/list-tools";

export default defineCommand({
  name: "tools list",
  summary: "List MCP tools and the scope each requires",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const tools = await listTools(db());
    if (io.json) {
      io.out(JSON.stringify(tools.map(({ name, description, requiredScope }) => ({ name, description, requiredScope }))));
      return 0;
    }
    table(tools.map((t) => [t.name, t.requiredScope, t.description]), ["TOOL", "REQUIRES", "DESCRIPTION"]).forEach((l) => io.out(l));
    return 0;
  },
});
