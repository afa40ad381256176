import { db } from "@/lib/db/client";

/** Each scope's description, for the consent and device screens. */
export async function describeScopes(names: readonly string[]): Promise<Map<string, string>> {
  const rows = await db().scope.findMany({ where: { name: { in: [...names] } }, select: { name: true, description: true } });
  return new Map(rows.map((r) => [r.name, r.description]));
}
