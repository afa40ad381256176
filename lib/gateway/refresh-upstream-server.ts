import { Prisma } from "@/lib/db/generated/client";
import { appendAudit, recordAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { TARGET_SELECT, mirroredToolName, serverScope } from "@/lib/gateway/gateway-registry";
import { listUpstreamTools } from "@/lib/gateway/list-upstream-tools";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { connectUpstream } from "@/lib/gateway/upstream-client";
import { UpstreamFailure } from "@/lib/gateway/upstream-target";

const REFRESH_LOCK = 72_073_690;

function readRows(database: Pick<Db, "tool">, name: string) {
  return database.tool.findMany({ where: { serverName: name } });
}

export interface RefreshReport {
  name: string;
  /** New upstream tools, held for review. */
  added: string[];
  /** Tools whose definition changed upstream, held for review. */
  changed: string[];
  /** Held tools whose definition went back to the accepted one: callable again. */
  restored: string[];
  /** Tools the upstream no longer lists: removed from the policy. */
  removed: string[];
  skipped: string[];
}

/**
 * Brings the mirror of one upstream up to date (DESIGN §10, tool pinning): a new tool, or one whose definition hash
 * differs from the accepted one, is held — neither listed nor callable — until an admin accepts it; a tool the upstream
 * dropped leaves the policy. Changes and their audit events are one transaction; an unreachable upstream changes
 * nothing but its health (`lastError`), recorded as `server.refresh_failed`.
 */
export async function refreshUpstreamServer(name: string, ctx: AuditContext): Promise<RefreshReport> {
  await requireActorScope(ctx, "servers:write");
  const target = await db().upstreamServer.findUnique({ where: { name }, select: TARGET_SELECT });
  if (!target) throw new AppError("not_found", `Server ${name} does not exist`);
  let listing;
  try {
    const client = await connectUpstream(target);
    try {
      listing = await listUpstreamTools(client, name);
    } finally {
      void client.close().catch(() => {});
    }
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    await db().upstreamServer.updateMany({ where: { name }, data: { lastError: error.message.slice(0, 500) } });
    await recordAudit({ kind: "server.refresh_failed", actor: ctx.actor, ip: ctx.ip, requestId: ctx.requestId, reason: `refreshing ${name} failed: ${error.message}`, detail: { server: name, outcome: error.outcome } });
    throw new AppError("unavailable", `Could not refresh ${name}: ${error.message}`);
  }

  const report: RefreshReport = { name, added: [], changed: [], restored: [], removed: [], skipped: listing.skipped };
  const now = new Date();
  const plan = (rows: Awaited<ReturnType<typeof readRows>>) => {
    const byUpstream = new Map(rows.map((r) => [r.upstreamName!, r]));
    const listed = new Set(listing.tools.map((t) => t.definition.name));
    const changes = listing.tools.filter(({ definition, hash }) => {
      const row = byUpstream.get(definition.name);
      if (!row) return true;
      if (row.state === "accepted") return row.definitionHash !== hash;
      return row.pendingHash !== hash;
    });
    return { byUpstream, changes, gone: rows.filter((r) => !listed.has(r.upstreamName!)) };
  };
  // Read without a lock first: an unchanged upstream (the common case) costs one query and no policy reload.
  const first = plan(await readRows(db(), name));
  if (first.changes.length === 0 && first.gone.length === 0) {
    await db().upstreamServer.updateMany({ where: { name }, data: { lastContactAt: now, lastRefreshedAt: now, lastError: null } });
    return report;
  }

  await changeTransaction(["policy"], async (tx) => {
    // Every instance refreshes periodically: one at a time per server, each judging the rows as they now are.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFRESH_LOCK}::int, hashtext(${name}))`;
    if (!(await tx.upstreamServer.findUnique({ where: { name }, select: { name: true } }))) return;
    const { byUpstream, changes, gone } = plan(await readRows(tx, name));
    const created: Prisma.ToolCreateManyInput[] = [];
    for (const { definition, hash } of changes) {
      const row = byUpstream.get(definition.name);
      const json = definition as unknown as Prisma.InputJsonValue;
      if (!row) {
        created.push({ name: mirroredToolName(name, definition.name), description: (definition.description ?? "").slice(0, 2000), requiredScope: serverScope(name), serverName: name, upstreamName: definition.name, state: "held", pendingDefinition: json, pendingHash: hash });
        report.added.push(definition.name);
      } else if (row.definitionHash === hash) {
        await tx.tool.update({ where: { name: row.name }, data: { state: "accepted", pendingDefinition: Prisma.DbNull, pendingHash: null } });
        report.restored.push(definition.name);
      } else {
        await tx.tool.update({ where: { name: row.name }, data: { state: "held", pendingDefinition: json, pendingHash: hash } });
        report.changed.push(definition.name);
      }
    }
    // New tools in one statement: an upstream that suddenly lists hundreds must not outlast the transaction.
    if (created.length) await tx.tool.createMany({ data: created });
    for (const row of gone) {
      await tx.tool.delete({ where: { name: row.name } });
      report.removed.push(row.upstreamName!);
    }
    await tx.upstreamServer.update({ where: { name }, data: { lastContactAt: now, lastRefreshedAt: now, lastError: null } });
    if (report.added.length + report.changed.length + report.restored.length + report.removed.length === 0) return;
    const base = { actor: ctx.actor, ip: ctx.ip, requestId: ctx.requestId };
    const held = [...report.added, ...report.changed];
    await appendAudit(tx, [
      {
        ...base,
        kind: "server.refreshed",
        reason: `mirror of ${name} refreshed: ${[
          report.added.length ? `new ${report.added.join(", ")}` : "",
          report.changed.length ? `changed ${report.changed.join(", ")}` : "",
          report.restored.length ? `back to accepted ${report.restored.join(", ")}` : "",
          report.removed.length ? `removed ${report.removed.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join("; ")}`,
        detail: { server: name, ...report },
      },
      ...(held.length
        ? [{ ...base, kind: "server.tool_held" as const, reason: `${held.join(", ")} of ${name} held: tool definition changed; awaiting review`, detail: { server: name, tools: held } }]
        : []),
    ]);
  });
  return report;
}
