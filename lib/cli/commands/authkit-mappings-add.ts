import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { addRoleMapping } from "@/lib/workos/add-role-mapping";

export default defineCommand({
  name: "authkit mappings add",
  summary: "Map a WorkOS role or permission to a local role",
  options: {
    role: { type: "string", value: "<workos-role>", description: "A WorkOS role slug (the token's role/roles claim)" },
    permission: { type: "string", value: "<workos-permission>", description: "A WorkOS permission slug (the permissions claim)" },
    to: { type: "string", value: "<local-role>", description: "The local role it grants (required)" },
  },
  schema: z
    .object({ role: z.string().optional(), permission: z.string().optional(), to: z.string({ error: "--to is required" }) })
    .refine((o) => (o.role === undefined) !== (o.permission === undefined), "give exactly one of --role or --permission"),
  async run(options, io) {
    const mapping = await addRoleMapping(
      { externalKind: options.role !== undefined ? "role" : "permission", externalName: (options.role ?? options.permission)!, role: options.to },
      CLI_CONTEXT,
    );
    io.out(io.json ? JSON.stringify(mapping) : `workos ${mapping.externalKind} ${mapping.externalName} now maps to role ${mapping.role} (${mapping.id}).`);
    return 0;
  },
});
