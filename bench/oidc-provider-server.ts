/**
 * The baselines for the token benchmark: node-oidc-provider (panva) configured for the same grant Portcullis serves —
 * client_credentials with client_secret_basic and a resource indicator. Started by bench/token-throughput.ts in one
 * of two configurations (BENCH_OIDC_MODE):
 * - `stateless` (default): ES256-signed JWT access tokens (RFC 9068), its in-memory adapter; nothing is stored.
 * - `durable`: opaque access tokens, each stored through a PostgreSQL adapter (bench/oidc-provider-pg-adapter.ts,
 *   BENCH_OIDC_DATABASE_URL) before the response — revocable and recorded, as a team runs it when it must be.
 */
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import { createPostgresAdapter } from "./oidc-provider-pg-adapter";

const port = Number(process.env.BENCH_OIDC_PORT);
const resource = process.env.BENCH_RESOURCE!;
const clientSecret = process.env.BENCH_CLIENT_SECRET!;
const scope = "clients:read audit:read";
const durable = process.env.BENCH_OIDC_MODE === "durable";
const storage = durable ? await createPostgresAdapter(process.env.BENCH_OIDC_DATABASE_URL!) : undefined;

const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const provider = new Provider(`http://localhost:${port}`, {
  ...(storage ? { adapter: storage.Adapter } : {}),
  clients: [
    {
      client_id: "bench-agent",
      client_secret: clientSecret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "ES256",
      scope,
    },
  ],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "bench", alg: "ES256", use: "sig" }] },
  scopes: scope.split(" "),
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope, audience: resource, accessTokenTTL: 600, ...(durable ? { accessTokenFormat: "opaque" } : { accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } }) }),
    },
  },
});
provider.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));

