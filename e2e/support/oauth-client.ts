import { randomBytes } from "node:crypto";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { expect, type Page } from "@playwright/test";

/**
 * An MCP client's OAuth state kept in memory, as the official SDK expects a host application to keep it. The browser
 * part (opening the authorization URL) is left to the test, which drives it with Playwright.
 */
export class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  authorizationUrl?: URL;
  lastState?: string;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    private readonly resource: string,
  ) {}

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
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    if (!this.verifier) throw new Error("no code verifier saved");
    return this.verifier;
  }
  /** RFC 8707: name this server's MCP endpoint as the resource, as an MCP client does after reading its metadata. */
  async validateResourceURL(): Promise<URL> {
    return new URL(this.resource);
  }
}

/** Signs in on the login page the authorization endpoint sent the browser to; the browser then continues the flow. */
export async function signInAtLoginPage(page: Page, email: string, password: string): Promise<void> {
  await expect(page).toHaveURL(/\/login\?from=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
