import type { CliCommand } from "@/lib/cli/command";
import adminCreate from "@/lib/cli/commands/admin-create";
import auditTail from "@/lib/cli/commands/audit-tail";
import auditVerify from "@/lib/cli/commands/audit-verify";
import rolesList from "@/lib/cli/commands/roles-list";
import usersCreate from "@/lib/cli/commands/users-create";
import usersList from "@/lib/cli/commands/users-list";

/** Every CLI command. Adding a command is adding a file here and a line below. */
export const COMMANDS: CliCommand<any>[] = [adminCreate, usersCreate, usersList, rolesList, auditTail, auditVerify];
