import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectErrorPage, expectOAuthError, send } from "./http";

/**
 * Server-side request forgery through the one outbound fetch a caller controls: the Client ID Metadata Document URL.
 * Each target points at this machine's hostile document host (or an internal address); the case passes only if the
 * request is refused with the metadata-document error and no connection reached the host.
 */
export function attacks({ fx, cimd }: AttackDeps): AttackArea {
  const port = cimd.documents.port;
  const targets: Array<[string, string]> = [
    ["loopback 127.0.0.1", `https://127.0.0.1:${port}/ssrf.json`],
    ["loopback 127.0.0.2", `https://127.0.0.2:${port}/ssrf.json`],
    ["IPv6 loopback [::1]", `https://[::1]:${port}/ssrf.json`],
    ["IPv4-mapped IPv6 loopback", `https://[::ffff:7f00:1]:${port}/ssrf.json`],
    ["unspecified address 0.0.0.0 (reaches localhost)", `https://0.0.0.0:${port}/ssrf.json`],
    ["unspecified IPv6 [::]", `https://[::]:${port}/ssrf.json`],
    ["cloud metadata 169.254.169.254", "https://169.254.169.254/latest/meta-data.json"],
    ["private 10.0.0.1", "https://10.0.0.1/client.json"],
    ["private 172.16.0.1", "https://172.16.0.1/client.json"],
    ["private 192.168.1.1", "https://192.168.1.1/client.json"],
    ["carrier-grade NAT 100.64.0.1", "https://100.64.0.1/client.json"],
    ["IPv6 unique-local [fd00::1]", "https://[fd00::1]/client.json"],
    ["IPv6 link-local [fe80::1]", "https://[fe80::1]/client.json"],
    ["DNS name resolving to loopback (localhost)", `https://localhost:${port}/ssrf.json`],
    ["DNS name with a trailing dot (localhost.)", `https://localhost.:${port}/ssrf.json`],
    ["decimal IPv4 (2130706433)", `https://2130706433:${port}/ssrf.json`],
    ["octal IPv4 (0177.0.0.1)", `https://0177.0.0.1:${port}/ssrf.json`],
    ["hex IPv4 (0x7f.0.0.1)", `https://0x7f.0.0.1:${port}/ssrf.json`],
    ["short IPv4 (127.1)", `https://127.1:${port}/ssrf.json`],
    ["plain http to the metadata service", "http://169.254.169.254/latest/meta-data/"],
  ];
  // IPv6 forms that carry an IPv4 address (or reach the operator's own network): refused by the address check itself,
  // so the page names the private address rather than a failed connection.
  const embeddedTargets: Array<[string, string]> = [
    ["IPv4-compatible IPv6 loopback [::7f00:1]", `https://[::7f00:1]:${port}/ssrf.json`],
    ["IPv4-compatible IPv6 metadata service [::a9fe:a9fe]", "https://[::a9fe:a9fe]/latest/meta-data.json"],
    ["IPv4-translated IPv6 loopback [::ffff:0:7f00:1]", `https://[::ffff:0:7f00:1]:${port}/ssrf.json`],
    ["NAT64 well-known prefix carrying loopback [64:ff9b::7f00:1]", `https://[64:ff9b::7f00:1]:${port}/ssrf.json`],
    ["NAT64 local-use prefix [64:ff9b:1::7f00:1]", `https://[64:ff9b:1::7f00:1]:${port}/ssrf.json`],
    ["NAT64 local-use prefix carrying a public address [64:ff9b:1::808:808]", "https://[64:ff9b:1::808:808]/client.json"],
    ["6to4 carrying a private address [2002:c0a8:101::1]", "https://[2002:c0a8:101::1]/client.json"],
    ["Teredo [2001:0:4136:e378:8000:63bf:3fff:fdd2]", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/client.json"],
  ];
  const authorize = (clientId: string) =>
    fx.developer.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: "http://127.0.0.1:3939/callback", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" })}`,
    );
  const noConnection = async (run: () => Promise<void>) => {
    const before = cimd.documents.connections();
    await run();
    demand(cimd.documents.connections() === before, "the server connected to the target host");
  };

  return {
    name: "SSRF",
    cases: [
      ...targets.map(([what, url]) =>
        attack(`metadata document at ${what} (/oauth/authorize)`, "400 page invalid_client, no connection made", () =>
          noConnection(async () => expectErrorPage(await authorize(url), 400, "invalid_client", "metadata document cannot be used")),
        ),
      ),
      ...embeddedTargets.map(([what, url]) =>
        attack(`metadata document at ${what} (/oauth/authorize)`, "400 page invalid_client naming the private address, no connection made", () =>
          noConnection(async () => expectErrorPage(await authorize(url), 400, "invalid_client", "points to a private address")),
        ),
      ),
      ...targets.slice(0, 4).concat(targets.slice(13, 14)).map(([what, url]) =>
        attack(`metadata document at ${what} (/oauth/token)`, "401 invalid_client, no connection made", () =>
          noConnection(async () => {
            const reply = await send(`${fx.base}/oauth/token`, {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body: new URLSearchParams({ grant_type: "authorization_code", code: "x", code_verifier: "a".repeat(43), redirect_uri: "http://127.0.0.1:3939/callback", client_id: url }),
            });
            expectOAuthError(reply, 401, "invalid_client");
          }),
        ),
      ),
      attack("metadata document at a private address via the device authorization endpoint", "401 invalid_client, no connection made", () =>
        noConnection(async () => {
          const reply = await send(`${fx.base}/oauth/device_authorization`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ client_id: `https://127.0.0.1:${port}/ssrf.json` }),
          });
          expectOAuthError(reply, 401, "invalid_client");
        }),
      ),
    ],
  };
}
