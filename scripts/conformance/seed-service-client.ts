/**
 * The conformance suite's caller, made the way an operator would: a service account holding `access_reviewer` (the
 * read-only governance tools), and a confidential client_credentials client registered over RFC 7591 and approved
 * bound to it. Imported only after the environment names the server's data (a guest of its embedded database).
 */
import type { AuditContext } from "@/lib/audit";
import { approveClient } from "@/lib/clients/approve-client";
import { startPortcullis } from "@/lib/startup";
import { createUser } from "@/lib/users/create-user";
import { env } from "@/lib/env";

const CTX: AuditContext = { actor: "cli" };
const SCOPES = ["account:read", "clients:read", "policy:read", "audit:read"];

export async function seedServiceClient(): Promise<{ clientId: string; clientSecret: string; close(): Promise<void> }> {
  const started = await startPortcullis("cli");
  const service = await createUser({ email: "conformance@service.test", name: "MCP conformance suite", kind: "service", roles: ["access_reviewer"] }, CTX);
  const reply = await fetch(`${env().issuer}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "MCP conformance suite",
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "client_secret_basic",
      redirect_uris: [],
      scope: SCOPES.join(" "),
    }),
  });
  const body = (await reply.json()) as { client_id?: string; client_secret?: string };
  if (reply.status !== 201 || !body.client_id || !body.client_secret) throw new Error(`registering the conformance client failed: ${reply.status} ${JSON.stringify(body)}`);
  await approveClient(body.client_id, "MCP conformance suite", CTX, { serviceUser: service.email, scopes: SCOPES });
  // The server learns of changes made by another process from its change watcher (about a second).
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return { clientId: body.client_id, clientSecret: body.client_secret, close: () => started.stop() };
}
