import { z } from "zod";
import { defineCommand } from "@/lib/cli/command";
import { createUserFromCli } from "@/lib/cli/commands/users-create";
import { ADMIN_ROLE } from "@/lib/policy/catalog";

export default defineCommand({
  name: "admin create",
  summary: `Create a user with the ${ADMIN_ROLE} role`,
  options: {
    email: { type: "string", value: "<email>", description: "Sign-in email (required)" },
    name: { type: "string", value: "<name>", description: "Display name (defaults to the email's local part)" },
    "password-stdin": { type: "boolean", description: "Read the password from standard input instead of generating one" },
  },
  schema: z.object({
    email: z.string({ error: "--email is required" }),
    name: z.string().optional(),
    "password-stdin": z.boolean().default(false),
  }),
  run: (options, io) =>
    createUserFromCli(io, { email: options.email, name: options.name, roles: [ADMIN_ROLE], passwordStdin: options["password-stdin"] }),
});
