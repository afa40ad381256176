export {
  loadRevocationState,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  revocationState,
  type RevocationState,
} from "@/lib/revocation-view/revocation-state";
