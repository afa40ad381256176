import type { CliCommand } from "@/lib/cli/command";
import adminCreate from "@/lib/cli/commands/admin-create";
import auditTail from "@/lib/cli/commands/audit-tail";
import auditVerify from "@/lib/cli/commands/audit-verify";
import authkitMappingsAdd from "@/lib/cli/commands/authkit-mappings-add";
import authkitMappingsList from "@/lib/cli/commands/authkit-mappings-list";
import authkitMappingsRemove from "@/lib/cli/commands/authkit-mappings-remove";
import authkitRevocationsLift from "@/lib/cli/commands/authkit-revocations-lift";
import authkitRevocationsList from "@/lib/cli/commands/authkit-revocations-list";
import authkitRevoke from "@/lib/cli/commands/authkit-revoke";
import rolesList from "@/lib/cli/commands/roles-list";
import usersCreate from "@/lib/cli/commands/users-create";
import usersList from "@/lib/cli/commands/users-list";

/** Every CLI command. Adding a command is adding a file here and a line below. */
export const COMMANDS: CliCommand<any>[] = [adminCreate, usersCreate, usersList, rolesList, auditTail, auditVerify];
COMMANDS.push(authkitRevoke, authkitRevocationsList, authkitRevocationsLift, authkitMappingsList, authkitMappingsAdd, authkitMappingsRemove);
