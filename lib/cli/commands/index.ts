import type { CliCommand } from "@/lib/cli/command";
import adminCreate from "@/lib/cli/commands/admin-create";
import auditTail from "@/lib/cli/commands/audit-tail";
import auditVerify from "@/lib/cli/commands/audit-verify";
import clientsApprove from "@/lib/cli/commands/clients-approve";
import clientsList from "@/lib/cli/commands/clients-list";
import clientsReactivate from "@/lib/cli/commands/clients-reactivate";
import clientsReject from "@/lib/cli/commands/clients-reject";
import clientsShow from "@/lib/cli/commands/clients-show";
import clientsSuspend from "@/lib/cli/commands/clients-suspend";
import keysRotate from "@/lib/cli/commands/keys-rotate";
import rolesList from "@/lib/cli/commands/roles-list";
import usersCreate from "@/lib/cli/commands/users-create";
import usersList from "@/lib/cli/commands/users-list";

/** Every CLI command. Adding a command is adding a file here and a line below. */
export const COMMANDS: CliCommand<any>[] = [
  adminCreate,
  usersCreate,
  usersList,
  rolesList,
  auditTail,
  auditVerify,
  clientsList,
  clientsShow,
  clientsApprove,
  clientsReject,
  clientsSuspend,
  clientsReactivate,
  keysRotate,
];
