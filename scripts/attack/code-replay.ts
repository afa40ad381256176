import { basic, tokenRequest, type AttackDeps } from "./deps";
import { pkcePair, type RegisteredClient } from "./fixtures";
import { attack, demand, type AttackArea } from "./harness";
import { expectBearerRefusal, expectOAuthError, send } from "./http";

/**
 * A spent authorization code in the wrong hands. Reuse revokes the grant issued from the code (OAuth 2.1 §4.1.3) — but
 * only when the client the code was issued to presents it with its PKCE verifier: anyone else who saw a used code (in a
 * log, a history, another client) must get a refusal and must not be able to end the user's grant with it.
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  const { app, other } = fx.clients;
  const mcpCall = (token: string) =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
    });
  const codeFields = (code: string, verifier: string, client: RegisteredClient = app) => ({
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: client.redirectUri,
    client_id: client.id,
  });

  /** A code exchanged once by its client: the code is spent, the tokens from it live. */
  async function spentCode() {
    const { code, verifier } = await fx.authorize(app);
    const first = await tokenRequest(fx, codeFields(code, verifier));
    demand(first.status === 200, `the legitimate exchange should succeed: ${first}`);
    const tokens = first.json<{ access_token: string; refresh_token: string }>()!;
    demand((await mcpCall(tokens.access_token)).status === 200, "the legitimate access token should work before the replay");
    return { code, verifier, tokens };
  }

  /** The legitimate client's grant survived: its access token still works and its refresh token still rotates. */
  async function grantStillLive(tokens: { access_token: string; refresh_token: string }) {
    const call = await mcpCall(tokens.access_token);
    demand(call.status === 200, `the replay revoked the legitimate grant: its access token now gets ${call}`);
    const refreshed = await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: app.id });
    demand(refreshed.status === 200, `the replay revoked the legitimate grant: its refresh token now gets ${refreshed}`);
  }

  return {
    name: "Code replay",
    cases: [
      attack("spent code presented by another client", "400 invalid_grant; the legitimate grant still works", async () => {
        const { code, verifier, tokens } = await spentCode();
        expectOAuthError(await tokenRequest(fx, codeFields(code, verifier, other)), 400, "invalid_grant");
        await grantStillLive(tokens);
      }),
      attack("spent code presented without the right PKCE verifier", "400 invalid_grant; the legitimate grant still works", async () => {
        const { code, tokens } = await spentCode();
        expectOAuthError(await tokenRequest(fx, codeFields(code, pkcePair().verifier)), 400, "invalid_grant");
        await grantStillLive(tokens);
      }),
      attack("spent code presented with a wrong redirect_uri", "400 invalid_grant; the legitimate grant still works", async () => {
        const { code, verifier, tokens } = await spentCode();
        expectOAuthError(await tokenRequest(fx, { ...codeFields(code, verifier), redirect_uri: `${app.redirectUri}/x` }), 400, "invalid_grant");
        await grantStillLive(tokens);
      }),
      attack("spent code presented with made-up client credentials", "401 invalid_client; the legitimate grant still works", async () => {
        const { code, verifier, tokens } = await spentCode();
        const { client_id: _dropped, ...fields } = codeFields(code, verifier);
        expectOAuthError(await tokenRequest(fx, fields, { authorization: basic(app.id, "not-a-secret") }), 401, "invalid_client");
        await grantStillLive(tokens);
      }),
      attack("spent code replayed by its own client with its verifier", "400 invalid_grant; the grant is revoked", async () => {
        const { code, verifier, tokens } = await spentCode();
        expectOAuthError(await tokenRequest(fx, codeFields(code, verifier)), 400, "invalid_grant");
        expectBearerRefusal(await mcpCall(tokens.access_token), "invalid_token");
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: app.id }), 400, "invalid_grant");
      }),
    ],
  };
}
