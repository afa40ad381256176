import { z } from "zod";
import { clearToolApproval, setToolApproval } from "@/lib/approvals/set-tool-approval";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";

export default defineCommand({
  name: "tools approval",
  summary: "Require a second person's approval for calls to a tool (--off: no longer)",
  positionals: "<tool>",
  options: {
    "approver-role": { type: "string", value: "<role>", multiple: true, description: "A role whose holders may approve (repeat for several)" },
    expires: { type: "string", value: "<seconds>", description: "How long a request stands (default 900)" },
    mask: { type: "string", value: "<field>", multiple: true, description: "An argument field (or dot path) approvers never see (repeat for several)" },
    off: { type: "boolean", description: "Calls to the tool no longer need approval" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give the tool"),
    "approver-role": z.array(z.string()).default([]),
    expires: z.coerce.number().int().default(900),
    mask: z.array(z.string()).default([]),
    off: z.boolean().default(false),
  }),
  async run(options, io) {
    const tool = options._[0];
    if (options.off) {
      const cleared = await clearToolApproval(tool, CLI_CONTEXT);
      io.out(io.json ? JSON.stringify({ tool, cleared }) : cleared ? `Calls to ${tool} no longer need approval.` : `Calls to ${tool} did not need approval.`);
      return 0;
    }
    await setToolApproval(tool, options["approver-role"], options.expires, CLI_CONTEXT, options.mask);
    const masked = options.mask.length > 0 ? ` Masked from approvers: ${options.mask.join(", ")}.` : "";
    io.out(
      io.json
        ? JSON.stringify({ tool, approverRoles: options["approver-role"], expiresInSeconds: options.expires, maskedFields: options.mask })
        : `Calls to ${tool} now need approval by ${options["approver-role"].join(" or ")}.${masked}`,
    );
    return 0;
  },
});
