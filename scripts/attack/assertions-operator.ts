/**
 * Run by the "Signed assertions" area as a guest of the metadata-document instance's embedded database (the instance
 * that may fetch from this machine, so key sets can be served by the suite's document host): trusts the stand-in
 * enterprise IdP, creates the person its ID-JAGs name, an approved jwt-bearer client, and private_key_jwt clients
 * whose jwks_uri redirects or never answers. Prints what it made as JSON.
 *
 *   ATTACK_IDP_ISSUER=… ATTACK_IDP_JWKS=… ATTACK_DOCUMENTS=… PORTCULLIS_DATA_DIR=… tsx scripts/attack/assertions-operator.ts
 */
import { approveClient } from "@/lib/clients/approve-client";
import { registerClient } from "@/lib/clients/register-client";
import { addTrustedIdp } from "@/lib/idps/add-trusted-idp";
import { startPortcullis } from "@/lib/startup";
import { createUser } from "@/lib/users/create-user";

const issuer = process.env.ATTACK_IDP_ISSUER;
const jwksUri = process.env.ATTACK_IDP_JWKS;
const documents = process.env.ATTACK_DOCUMENTS;
if (!issuer || !jwksUri || !documents) throw new Error("ATTACK_IDP_ISSUER, ATTACK_IDP_JWKS and ATTACK_DOCUMENTS are required");
const CTX = { actor: "cli" };
const started = await startPortcullis("cli");
try {
  await createUser({ email: "alice@idp.attack.example", name: "Alice (IdP)", roles: ["reader"] }, CTX);
  await addTrustedIdp({ issuer, name: "Attack IdP", jwksUri, subjectMapping: "email", allowedEmailDomains: ["idp.attack.example"] }, CTX);
  const jag = await registerClient(
    { client_name: "Attack ID-JAG client", grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
    { actor: "anonymous", ip: "198.51.100.201" },
  );
  await approveClient(jag.clientId, "attack suite fixture", CTX, { scopes: ["account:read", "clients:read"] });
  const keyClient = async (path: string, ip: string) =>
    (
      await registerClient(
        { client_name: `Attack key client ${path}`, grant_types: ["client_credentials"], redirect_uris: [], token_endpoint_auth_method: "private_key_jwt", jwks_uri: `${documents}${path}` },
        { actor: "anonymous", ip },
      )
    ).clientId;
  const redirecting = await keyClient("/redirect.json", "198.51.100.202");
  const hanging = await keyClient("/hang.json", "198.51.100.203");
  process.stdout.write(`${JSON.stringify({ jag: { id: jag.clientId, secret: jag.clientSecret }, redirecting, hanging })}\n`);
} finally {
  await started.stop();
}
