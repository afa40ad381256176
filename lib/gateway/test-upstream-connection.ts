import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { TARGET_SELECT } from "@/lib/gateway/gateway-registry";
import { listUpstreamTools } from "@/lib/gateway/list-upstream-tools";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { connectUpstream } from "@/lib/gateway/upstream-client";
import { UpstreamFailure } from "@/lib/gateway/upstream-target";

/** Connects to a registered upstream with its stored credential and lists its tools, changing nothing: "test connection". */
export async function testUpstreamConnection(name: string, ctx: AuditContext): Promise<{ tools: number; latencyMs: number }> {
  await requireActorScope(ctx, "servers:read");
  const target = await db().upstreamServer.findUnique({ where: { name }, select: TARGET_SELECT });
  if (!target) throw new AppError("not_found", `Server ${name} does not exist`);
  const started = performance.now();
  try {
    const client = await connectUpstream(target);
    try {
      const listing = await listUpstreamTools(client, name);
      return { tools: listing.tools.length, latencyMs: Math.round(performance.now() - started) };
    } finally {
      void client.close().catch(() => {});
    }
  } catch (error) {
    if (error instanceof UpstreamFailure) throw new AppError("unavailable", `Could not reach ${name}: ${error.message}`);
    throw error;
  }
}
