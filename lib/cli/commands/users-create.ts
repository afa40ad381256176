import { randomBytes } from "node:crypto";
import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand, type CliIo } from "@/lib/cli/command";
import { createUser } from "@/lib/users/create-user";

export default defineCommand({
  name: "users create",
  summary: "Create a user with the given roles",
  options: {
    email: { type: "string", value: "<email>", description: "Sign-in email (required)" },
    name: { type: "string", value: "<name>", description: "Display name (defaults to the email's local part)" },
    role: { type: "string", value: "<role>", multiple: true, description: "A role to give (repeat for several)" },
    "password-stdin": { type: "boolean", description: "Read the password from standard input instead of generating one" },
    service: { type: "boolean", description: "A service identity (no password, cannot sign in) for client_credentials clients" },
  },
  schema: z.object({
    email: z.string({ error: "--email is required" }),
    name: z.string().optional(),
    role: z.array(z.string()).default([]),
    "password-stdin": z.boolean().default(false),
    service: z.boolean().default(false),
  }),
  run: (options, io) =>
    createUserFromCli(io, {
      email: options.email,
      name: options.name,
      roles: options.role,
      passwordStdin: options["password-stdin"],
      service: options.service,
    }),
});

/** Creates a user with a password read from stdin, or a generated one printed once. */
export async function createUserFromCli(
  io: CliIo,
  options: { email: string; name?: string; roles: string[]; passwordStdin: boolean; service?: boolean },
): Promise<number> {
  // A service identity never signs in: it has no password at all.
  const generated = options.passwordStdin || options.service ? undefined : randomBytes(18).toString("base64url");
  const password = options.service ? undefined : (generated ?? (await io.readStdin()).replace(/\r?\n$/, ""));
  const user = await createUser(
    {
      email: options.email,
      name: options.name ?? options.email.split("@")[0],
      password,
      roles: options.roles,
      kind: options.service ? "service" : "human",
    },
    CLI_CONTEXT,
  );
  if (io.json) {
    io.out(JSON.stringify({ ...user, ...(generated ? { password: generated } : {}) }));
    return 0;
  }
  io.out(`Created ${user.email} (${user.id}) with roles: ${user.roles.join(", ") || "none"}.`);
  if (generated) io.out(`Password (shown once, change it after signing in): ${generated}`);
  return 0;
}
