import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { sealCredential } from "@/lib/gateway/seal-credential";
import { dropUpstream } from "@/lib/gateway/upstream-client";
import { forgetUpstreamToken } from "@/lib/gateway/upstream-credential";
import { upstreamAuthSchema, upstreamUrlSchema } from "@/lib/gateway/upstream-server-input";

const updateUpstreamServerInput = z.object({
  url: upstreamUrlSchema.optional(),
  description: z.string().trim().max(500, "use at most 500 characters").optional(),
  /** A new credential replaces the old one (secrets are write-only: never read back, only replaced). */
  auth: upstreamAuthSchema.optional(),
});

export type UpdateUpstreamServerInput = z.input<typeof updateUpstreamServerInput>;

/**
 * Changes an upstream's URL, description or credential. The change applies from the next call (the pooled session and
 * any cached upstream token are dropped); the tools stay pinned — the next refresh holds any that differ at the new URL.
 */
export async function updateUpstreamServer(name: string, input: UpdateUpstreamServerInput, ctx: AuditContext): Promise<{ changed: string[] }> {
  await requireActorScope(ctx, "servers:write");
  const parsed = updateUpstreamServerInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { url, description, auth } = parsed.data;
  const data: Record<string, string | null> = {};
  if (url !== undefined) data.url = url;
  if (description !== undefined) data.description = description;
  if (auth) {
    Object.assign(data, {
      authKind: auth.kind,
      headerName: auth.kind === "header" ? auth.header.name : null,
      headerValueSealed: auth.kind === "header" ? await sealCredential(auth.header.value) : null,
      tokenUrl: auth.kind === "client_credentials" ? auth.clientCredentials.tokenUrl : null,
      oauthClientId: auth.kind === "client_credentials" ? auth.clientCredentials.clientId : null,
      clientSecretSealed: auth.kind === "client_credentials" ? await sealCredential(auth.clientCredentials.clientSecret) : null,
      oauthScope: auth.kind === "client_credentials" ? (auth.clientCredentials.scope ?? null) : null,
      oauthResource: auth.kind === "client_credentials" ? (auth.clientCredentials.resource ?? null) : null,
    });
  }
  const changed = [...(url !== undefined ? ["url"] : []), ...(description !== undefined ? ["description"] : []), ...(auth ? ["credential"] : [])];
  if (changed.length === 0) return { changed };
  await changeTransaction(["policy"], async (tx) => {
    const server = await tx.upstreamServer.findUnique({ where: { name } });
    if (!server) throw new AppError("not_found", `Server ${name} does not exist`);
    await tx.upstreamServer.update({ where: { name }, data });
    await appendAudit(tx, [
      {
        kind: "server.updated",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `upstream server ${name} changed: ${changed.join(", ")}`,
        detail: { server: name, changed, ...(url !== undefined ? { before: { url: server.url }, after: { url } } : {}), ...(auth ? { authKind: auth.kind } : {}) },
      },
    ]);
  });
  dropUpstream(name);
  forgetUpstreamToken(name);
  return { changed };
}
