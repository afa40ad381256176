// WorkOS (DESIGN §4): AuthKit-issued tokens governed by Portcullis, the bridge (Login URI), console sign-in.

// /mcp in authkit and bridge modes
export { authenticateAuthkitCaller, type AuthkitPrincipal, type RequestContext } from "@/lib/workos/authenticate-authkit-caller";
export { verifyAuthkitToken, InvalidAuthkitToken, type AuthkitCaller } from "@/lib/workos/verify-authkit-token";
export { resourceAuthorizationServers } from "@/lib/workos/resource-authorization-servers";
export { isAuthkitDenied, type Denial } from "@/lib/workos/is-authkit-denied";
export { mappedRoles } from "@/lib/workos/mapped-roles";

// Governance
export { addRoleMapping, type RoleMappingView } from "@/lib/workos/add-role-mapping";
export { removeRoleMapping } from "@/lib/workos/remove-role-mapping";
export { listRoleMappings } from "@/lib/workos/list-role-mappings";
export { revokeAuthkitAccess, type RevocationView } from "@/lib/workos/revoke-authkit-access";
export { liftAuthkitRevocation } from "@/lib/workos/lift-authkit-revocation";
export { listAuthkitRevocations } from "@/lib/workos/list-authkit-revocations";
export { registerAuthkitClient } from "@/lib/workos/register-authkit-client";
export { resolveAuthkitUser } from "@/lib/workos/resolve-authkit-user";
export { linkWorkosUser, type WorkosProfile } from "@/lib/workos/link-workos-user";

// Bridge mode and console sign-in
export { startBridgeSignIn } from "@/lib/workos/start-bridge-sign-in";
export { completeBridgeSignIn } from "@/lib/workos/complete-bridge-sign-in";
export { beginWorkosSignIn } from "@/lib/workos/begin-workos-sign-in";
export { finishWorkosSignIn } from "@/lib/workos/finish-workos-sign-in";
export { workosClient } from "@/lib/workos/workos-client";
export { workosOverview } from "@/lib/workos/workos-overview";
