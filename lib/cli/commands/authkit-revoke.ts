import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { db } from "@/lib/db/client";
import { findWorkosSubject } from "@/lib/workos/find-workos-subject";
import { revokeAuthkitAccess } from "@/lib/workos/revoke-authkit-access";

export default defineCommand({
  name: "authkit revoke",
  summary: "Deny AuthKit tokens: one token (jti), every token of a client, or every token of a user",
  options: {
    token: { type: "string", value: "<jti>", description: "The token's jti (shown in the audit log)" },
    client: { type: "string", value: "<client-id>", description: "Every token issued to this client" },
    user: { type: "string", value: "<user>", description: "Every token of this user: WorkOS user id, local id or email" },
    reason: { type: "string", value: "<text>", description: "Why (kept with the entry and in the audit log)" },
  },
  schema: z
    .object({ token: z.string().optional(), client: z.string().optional(), user: z.string().optional(), reason: z.string().optional() })
    .refine((o) => [o.token, o.client, o.user].filter((v) => v !== undefined).length === 1, "give exactly one of --token, --client or --user"),
  async run(options, io) {
    const kind = options.token !== undefined ? "token" : options.client !== undefined ? "client" : "user";
    const value = kind === "user" ? await findWorkosSubject(db(), options.user!) : (options.token ?? options.client)!;
    const { revocation, created } = await revokeAuthkitAccess({ kind, value, reason: options.reason }, CLI_CONTEXT);
    if (io.json) {
      io.out(JSON.stringify({ ...revocation, created }));
      return 0;
    }
    io.out(created ? `Revoked AuthKit ${kind} ${value}; refused from the next call on.` : `AuthKit ${kind} ${value} was already revoked.`);
    return 0;
  },
});
