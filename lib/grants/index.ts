export { commitAccessToken, GrantNoLongerLive } from "@/lib/grants/commit-access-token";
export { createGrant, type NewGrant } from "@/lib/grants/create-grant";
export { prepareTokens, type PreparedTokens } from "@/lib/grants/prepare-tokens";
export { recordTokens, type IssuedTokens } from "@/lib/grants/record-tokens";
export { revokeAccessToken } from "@/lib/grants/revoke-access-token";
export { revokeForReuse } from "@/lib/grants/revoke-for-reuse";
export { revokeGrant } from "@/lib/grants/revoke-grant";
export { revokeGrants } from "@/lib/grants/revoke-grants";
