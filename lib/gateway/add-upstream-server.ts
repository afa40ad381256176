import type { Prisma } from "@/lib/db/generated/client";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { AppError, describeIssues } from "@/lib/errors";
import { mirroredToolName, serverResource, serverScope } from "@/lib/gateway/gateway-registry";
import { listUpstreamTools, type UpstreamToolListing } from "@/lib/gateway/list-upstream-tools";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { sealCredential } from "@/lib/gateway/seal-credential";
import { connectUpstream } from "@/lib/gateway/upstream-client";
import { addUpstreamServerInput, type AddUpstreamServerInput } from "@/lib/gateway/upstream-server-input";
import { UpstreamFailure, type UpstreamTarget } from "@/lib/gateway/upstream-target";

export interface AddedServer {
  name: string;
  resource: string;
  scope: string;
  accepted: string[];
  held: string[];
  skipped: string[];
}

/**
 * Registers an upstream MCP server (DESIGN §10). Portcullis first connects with the credential given and lists the
 * tools: an upstream it cannot reach or that does not speak MCP is refused, and nothing is saved. Then, in one
 * transaction: the server (secrets sealed), the scope `server:<name>` its tools require by default, the mirrored tools
 * (`<name>.<tool>`, held for review unless `acceptAll` — "accept all current tools" — was confirmed) and the audit.
 */
export async function addUpstreamServer(input: AddUpstreamServerInput, ctx: AuditContext): Promise<AddedServer> {
  await requireActorScope(ctx, "servers:write");
  const parsed = addUpstreamServerInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { name, url, description, auth, acceptAll } = parsed.data;
  if (await db().upstreamServer.findUnique({ where: { name }, select: { name: true } })) throw new AppError("conflict", `A server named ${name} already exists`);

  const sealed = {
    authKind: auth.kind,
    headerName: auth.kind === "header" ? auth.header.name : null,
    headerValueSealed: auth.kind === "header" ? await sealCredential(auth.header.value) : null,
    tokenUrl: auth.kind === "client_credentials" ? auth.clientCredentials.tokenUrl : null,
    oauthClientId: auth.kind === "client_credentials" ? auth.clientCredentials.clientId : null,
    clientSecretSealed: auth.kind === "client_credentials" ? await sealCredential(auth.clientCredentials.clientSecret) : null,
    oauthScope: auth.kind === "client_credentials" ? (auth.clientCredentials.scope ?? null) : null,
    oauthResource: auth.kind === "client_credentials" ? (auth.clientCredentials.resource ?? null) : null,
  };
  const target: UpstreamTarget = { name, url, ...sealed, updatedAt: new Date() };
  const listing = await probe(target);

  const scope = serverScope(name);
  const state = acceptAll ? "accepted" : "held";
  const toolNames = listing.tools.map((t) => t.definition.name);
  await changeTransaction(["policy"], async (tx) => {
    if (await tx.upstreamServer.findUnique({ where: { name }, select: { name: true } })) throw new AppError("conflict", `A server named ${name} already exists`);
    const now = new Date();
    await tx.upstreamServer.create({ data: { name, url, description, ...sealed, lastContactAt: now, lastRefreshedAt: now } });
    await tx.scope.createMany({ data: [{ name: scope, description: `Call the tools of the upstream MCP server ${name}` }], skipDuplicates: true });
    // One statement for every tool: up to PORTCULLIS_GATEWAY_MAX_TOOLS rows one by one outlasted the transaction's
    // time limit on a busy machine (the attack suite's "thousands of tools" case).
    await tx.tool.createMany({
      data: listing.tools.map(({ definition, hash }) => {
        const json = definition as unknown as Prisma.InputJsonValue;
        return {
          name: mirroredToolName(name, definition.name),
          description: (definition.description ?? "").slice(0, 2000),
          requiredScope: scope,
          serverName: name,
          upstreamName: definition.name,
          state,
          ...(acceptAll ? { definition: json, definitionHash: hash } : { pendingDefinition: json, pendingHash: hash }),
        };
      }),
    });
    const base = { actor: ctx.actor, ip: ctx.ip, requestId: ctx.requestId };
    await appendAudit(tx, [
      {
        ...base,
        kind: "server.added",
        scopes: [scope],
        reason: `upstream server ${name} added at ${url} (${listing.tools.length} tools, ${acceptAll ? "all accepted" : "held for review"})`,
        detail: { server: name, url, resource: serverResource(name), authKind: auth.kind, headerName: sealed.headerName, tokenUrl: sealed.tokenUrl, skipped: listing.skipped },
      },
      ...(toolNames.length
        ? [
            {
              ...base,
              kind: acceptAll ? ("server.tool_accepted" as const) : ("server.tool_held" as const),
              reason: acceptAll ? `all ${toolNames.length} current tools of ${name} accepted at registration` : `${toolNames.length} tools of ${name} held until an admin accepts them`,
              detail: { server: name, tools: toolNames, hashes: Object.fromEntries(listing.tools.map((t) => [t.definition.name, t.hash])) },
            },
          ]
        : []),
    ]);
  });
  return {
    name,
    resource: serverResource(name),
    scope,
    accepted: acceptAll ? toolNames : [],
    held: acceptAll ? [] : toolNames,
    skipped: listing.skipped,
  };
}

/** Connects and lists, for registration: any failure is the admin's to read, as a clear refusal. */
async function probe(target: UpstreamTarget): Promise<UpstreamToolListing> {
  try {
    const client = await connectUpstream(target);
    try {
      return await listUpstreamTools(client, target.name);
    } finally {
      void client.close().catch(() => {});
    }
  } catch (error) {
    if (error instanceof UpstreamFailure) throw new AppError(error.outcome === "unreachable" || error.outcome === "timeout" ? "unavailable" : "invalid_input", `Could not register ${target.name}: ${error.message}. Nothing was saved.`);
    throw error;
  }
}
