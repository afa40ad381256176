import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { linkWorkosAccount } from "@/lib/workos/link-workos-account";

export default defineCommand({
  name: "users link-workos",
  summary: "Link a WorkOS user to a local account (the only way to link an admin or a write-scope holder)",
  options: {
    email: { type: "string", value: "<email>", description: "The local account's email (or its id) (required)" },
    "workos-id": { type: "string", value: "<user_…>", description: "The WorkOS user id (required)" },
  },
  schema: z.object({
    email: z.string({ error: "--email is required" }),
    "workos-id": z.string({ error: "--workos-id is required" }),
  }),
  async run(options, io) {
    const linked = await linkWorkosAccount({ user: options.email, workosUserId: options["workos-id"] }, CLI_CONTEXT);
    const message = linked.changed ? `${linked.email} is now linked to WorkOS user ${options["workos-id"]}.` : `${linked.email} was already linked to WorkOS user ${options["workos-id"]}.`;
    io.out(io.json ? JSON.stringify({ userId: linked.userId, email: linked.email, workosUserId: options["workos-id"], changed: linked.changed }) : message);
    return 0;
  },
});
