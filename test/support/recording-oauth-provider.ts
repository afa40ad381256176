import type { OAuthClientProvider, OAuthDiscoveryState, StoredOAuthTokens } from "@modelcontextprotocol/client";

/**
 * The OAuth host state an MCP client keeps, for the official v2 SDK in tests: a client already registered (its id
 * given), tokens and the PKCE verifier in memory, and every authorization URL the SDK asked the host to open recorded
 * instead of opened, so a test can approve it and hand the code back.
 */
export class RecordingOAuthProvider implements OAuthClientProvider {
  authorizations: URL[] = [];
  stored?: StoredOAuthTokens;
  verifier = "";
  // 2026-07-28 (SEP-2352): the client binds the callback to the authorization server it started with.
  discovery?: OAuthDiscoveryState;

  constructor(
    readonly clientId: string,
    readonly redirectUrl: string,
    readonly clientName = "Portcullis test client",
  ) {}

  get clientMetadata() {
    return { client_name: this.clientName, redirect_uris: [this.redirectUrl] };
  }
  clientInformation() {
    return { client_id: this.clientId };
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.stored = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}
