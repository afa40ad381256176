import { randomBytes } from "node:crypto";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthClientProvider, OAuthDiscoveryState, OAuthTokens } from "@modelcontextprotocol/client";
import { expect, type Page } from "@playwright/test";

/**
 * An MCP client's OAuth state kept in memory, as the official SDK expects a host application to keep it. The browser
 * part (opening the authorization URL) is left to the test, which drives it with Playwright.
 *
 * Without `resource`, the SDK takes the RFC 8707 resource from the server's Protected Resource Metadata, as a client
 * that knows nothing but the MCP URL does.
 */
export class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  authorizationUrl?: URL;
  lastState?: string;
  discovery?: OAuthDiscoveryState;
  /** What the SDK asked the host to forget, in order (`invalidateCredentials`). */
  readonly invalidated: string[] = [];
  validateResourceURL?: () => Promise<URL>;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    resource?: string,
  ) {
    // RFC 8707: name this server's MCP endpoint as the resource, as an MCP client does after reading its metadata.
    if (resource) this.validateResourceURL = async () => new URL(resource);
  }

  state(): string {
    this.lastState = randomBytes(16).toString("base64url");
    return this.lastState;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  /** The URL the SDK last asked the host to open in a browser; each is handed out once. */
  takeAuthorizationUrl(): URL {
    const url = this.authorizationUrl;
    if (!url) throw new Error("the SDK did not ask for an authorization");
    this.authorizationUrl = undefined;
    return url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    if (!this.verifier) throw new Error("no code verifier saved");
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    this.invalidated.push(scope);
    if (scope === "all" || scope === "client") this.client = undefined;
    if (scope === "all" || scope === "tokens") this.saved = undefined;
    if (scope === "all" || scope === "verifier") this.verifier = undefined;
    if (scope === "all" || scope === "discovery") this.discovery = undefined;
  }
}

/** Signs in on the login page the authorization endpoint sent the browser to; the browser then continues the flow. */
export async function signInAtLoginPage(page: Page, email: string, password: string): Promise<void> {
  await expect(page).toHaveURL(/\/login\?from=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Plays the MCP client's loopback redirect listener: every browser visit to `redirectUrl` is answered here (nothing
 * listens on that port) and its query handed back. Returns a function that waits for the next visit.
 */
export async function interceptRedirects(page: Page, redirectUrl: string): Promise<() => Promise<URL>> {
  const waiting: Array<(url: URL) => void> = [];
  const arrived: URL[] = [];
  await page.route(`${redirectUrl}**`, async (route) => {
    const url = new URL(route.request().url());
    const next = waiting.shift();
    if (next) next(url);
    else arrived.push(url);
    await route.fulfill({ status: 200, contentType: "text/plain", body: "Authorization finished. You can close this window." });
  });
  return () => {
    const ready = arrived.shift();
    return ready ? Promise.resolve(ready) : new Promise<URL>((resolve) => waiting.push(resolve));
  };
}
