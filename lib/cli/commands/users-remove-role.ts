import { defineUserRoleCommand } from "@/lib/cli/commands/users-role-command";

export default defineUserRoleCommand("remove");
