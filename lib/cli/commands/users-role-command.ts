import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { AppError } from "@/lib/errors";
import { assignRole } from "@/lib/users/assign-role";
import { findUser } from "@/lib/users/find-user";
import { removeRole } from "@/lib/users/remove-role";

/** `users add-role|remove-role <email-or-id> <role>`: one role given or taken, effective on the user's next call. */
export function defineUserRoleCommand(change: "add" | "remove") {
  return defineCommand({
    name: `users ${change}-role`,
    summary: change === "add" ? "Give a user a role (effective on their next call)" : "Take a role from a user (effective on their next call)",
    positionals: "<email-or-id> <role>",
    options: { ...DRY_RUN_OPTIONS },
    schema: z.object({
      _: z.array(z.string()).length(2, "give the user (email or id), then the role"),
      "dry-run": z.boolean().optional(),
      window: z.string().optional(),
    }),
    async run(options, io) {
      const [who, role] = options._;
      const user = await findUser(who);
      if (!user) throw new AppError("not_found", `No user ${who}.`);
      if (options["dry-run"]) return printImpactPreview({ kind: change === "add" ? "user_role_add" : "user_role_remove", userId: user.id, role }, options, io);
      await (change === "add" ? assignRole : removeRole)(user.id, role, CLI_CONTEXT);
      io.out(io.json ? JSON.stringify({ user: user.email, role, change }) : change === "add" ? `${user.email} now holds ${role}.` : `${user.email} no longer holds ${role}.`);
      return 0;
    },
  });
}
