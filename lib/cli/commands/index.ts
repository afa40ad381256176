import type { CliCommand } from "@/lib/cli/command";
import adminCreate from "@/lib/cli/commands/admin-create";
import approvalsApprove from "@/lib/cli/commands/approvals-approve";
import approvalsDeny from "@/lib/cli/commands/approvals-deny";
import approvalsList from "@/lib/cli/commands/approvals-list";
import approvalsWebhook from "@/lib/cli/commands/approvals-webhook";
import auditCheckpoint from "@/lib/cli/commands/audit-checkpoint";
import auditExport from "@/lib/cli/commands/audit-export";
import auditTail from "@/lib/cli/commands/audit-tail";
import auditVerify from "@/lib/cli/commands/audit-verify";
import auditPartitions from "@/lib/cli/commands/audit-partitions";
import auditArchive from "@/lib/cli/commands/audit-archive";
import auditVerifyArchive from "@/lib/cli/commands/audit-verify-archive";
import authkitLinkDomains from "@/lib/cli/commands/authkit-link-domains";
import authkitMappingsAdd from "@/lib/cli/commands/authkit-mappings-add";
import authkitMappingsList from "@/lib/cli/commands/authkit-mappings-list";
import authkitMappingsRemove from "@/lib/cli/commands/authkit-mappings-remove";
import authkitRevocationsLift from "@/lib/cli/commands/authkit-revocations-lift";
import authkitRevocationsList from "@/lib/cli/commands/authkit-revocations-list";
import authkitRevoke from "@/lib/cli/commands/authkit-revoke";
import clientsApprove from "@/lib/cli/commands/clients-approve";
import clientsDelete from "@/lib/cli/commands/clients-delete";
import clientsList from "@/lib/cli/commands/clients-list";
import clientsPrune from "@/lib/cli/commands/clients-prune";
import clientsReactivate from "@/lib/cli/commands/clients-reactivate";
import clientsReject from "@/lib/cli/commands/clients-reject";
import clientsShow from "@/lib/cli/commands/clients-show";
import clientsSuspend from "@/lib/cli/commands/clients-suspend";
import clientsUpdateScopes from "@/lib/cli/commands/clients-update-scopes";
import grantsList from "@/lib/cli/commands/grants-list";
import grantsRevoke from "@/lib/cli/commands/grants-revoke";
import idpsAdd from "@/lib/cli/commands/idps-add";
import idpsLink from "@/lib/cli/commands/idps-link";
import idpsList from "@/lib/cli/commands/idps-list";
import idpsRemove from "@/lib/cli/commands/idps-remove";
import keysRotate from "@/lib/cli/commands/keys-rotate";
import reviewsStart from "@/lib/cli/commands/reviews-start";
import reviewsList from "@/lib/cli/commands/reviews-list";
import reviewsShow from "@/lib/cli/commands/reviews-show";
import reviewsDecide from "@/lib/cli/commands/reviews-decide";
import reviewsClose from "@/lib/cli/commands/reviews-close";
import reviewsReport from "@/lib/cli/commands/reviews-report";
import reviewsVerifyReport from "@/lib/cli/commands/reviews-verify-report";
import reviewsPublicKey from "@/lib/cli/commands/reviews-public-key";
import rolesAddParent from "@/lib/cli/commands/roles-add-parent";
import rolesConditionClear from "@/lib/cli/commands/roles-condition-clear";
import rolesConditionSet from "@/lib/cli/commands/roles-condition-set";
import rolesConditionTry from "@/lib/cli/commands/roles-condition-try";
import rolesCreate from "@/lib/cli/commands/roles-create";
import rolesDelete from "@/lib/cli/commands/roles-delete";
import rolesList from "@/lib/cli/commands/roles-list";
import rolesRemoveParent from "@/lib/cli/commands/roles-remove-parent";
import rolesSetScopes from "@/lib/cli/commands/roles-set-scopes";
import serversAccept from "@/lib/cli/commands/servers-accept";
import serversAdd from "@/lib/cli/commands/servers-add";
import serversList from "@/lib/cli/commands/servers-list";
import serversRefresh from "@/lib/cli/commands/servers-refresh";
import serversRemove from "@/lib/cli/commands/servers-remove";
import serversShow from "@/lib/cli/commands/servers-show";
import serversTools from "@/lib/cli/commands/servers-tools";
import scopesCreate from "@/lib/cli/commands/scopes-create";
import scopesList from "@/lib/cli/commands/scopes-list";
import toolsApproval from "@/lib/cli/commands/tools-approval";
import sinksAdd from "@/lib/cli/commands/sinks-add";
import sinksList from "@/lib/cli/commands/sinks-list";
import sinksRemove from "@/lib/cli/commands/sinks-remove";
import sinksTest from "@/lib/cli/commands/sinks-test";
import toolsList from "@/lib/cli/commands/tools-list";
import toolsSetScope from "@/lib/cli/commands/tools-set-scope";
import usersCreate from "@/lib/cli/commands/users-create";
import usersLinkWorkos from "@/lib/cli/commands/users-link-workos";
import usersList from "@/lib/cli/commands/users-list";
import usersAddRole from "@/lib/cli/commands/users-add-role";
import usersRemoveRole from "@/lib/cli/commands/users-remove-role";

/** Every CLI command. Adding a command is adding a file here and a line below. */
export const COMMANDS: CliCommand<any>[] = [
  adminCreate,
  usersCreate,
  usersList,
  usersLinkWorkos,
  usersAddRole,
  usersRemoveRole,
  rolesList,
  rolesCreate,
  rolesAddParent,
  rolesRemoveParent,
  rolesSetScopes,
  rolesDelete,
  rolesConditionSet,
  rolesConditionClear,
  rolesConditionTry,
  scopesList,
  scopesCreate,
  toolsList,
  toolsSetScope,
  serversAdd,
  serversList,
  serversShow,
  serversRefresh,
  serversRemove,
  serversTools,
  serversAccept,
  toolsApproval,
  approvalsList,
  approvalsApprove,
  approvalsDeny,
  approvalsWebhook,
  auditTail,
  auditExport,
  auditVerify,
  auditCheckpoint,
  auditPartitions,
  auditArchive,
  auditVerifyArchive,
  reviewsStart,
  reviewsList,
  reviewsShow,
  reviewsDecide,
  reviewsClose,
  reviewsReport,
  reviewsVerifyReport,
  reviewsPublicKey,
  sinksAdd,
  sinksList,
  sinksRemove,
  sinksTest,
  authkitRevoke,
  authkitRevocationsList,
  authkitRevocationsLift,
  authkitMappingsList,
  authkitMappingsAdd,
  authkitMappingsRemove,
  authkitLinkDomains,
  idpsList,
  idpsAdd,
  idpsRemove,
  idpsLink,
  clientsList,
  clientsShow,
  clientsApprove,
  clientsReject,
  clientsSuspend,
  clientsReactivate,
  clientsUpdateScopes,
  clientsDelete,
  clientsPrune,
  grantsList,
  grantsRevoke,
  keysRotate,
];
