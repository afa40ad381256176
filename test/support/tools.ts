import type { Db } from "@/lib/db/client";

/**
 * Puts tool rows in place for tests. In the product, tools are declared in code and mirrored into the table at
 * start-up; tests that only need the policy side insert the rows directly.
 */
export async function insertTestTools(database: Db, tools: Record<string, string>): Promise<void> {
  await database.tool.createMany({
    data: Object.entries(tools).map(([name, requiredScope]) => ({ name, description: `Test tool ${name}`, requiredScope })),
    skipDuplicates: true,
  });
}
