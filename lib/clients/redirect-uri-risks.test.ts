import { describe, expect, it } from "vitest";
import { redirectUriRisks, siteOf, worstRisk } from "@/lib/clients/redirect-uri-risks";

const dcr = (redirectUris: string[], extra: { clientUri?: string; grantTypes?: string[] } = {}) =>
  redirectUriRisks({ id: "pcl_x", source: "dcr", redirectUris, ...extra });
const codes = (risks: ReturnType<typeof redirectUriRisks>) => risks.map((r) => `${r.severity}:${r.code}`);

describe("redirect URI risk flags", () => {
  it("flags nothing for one https redirect on the client's own site", () => {
    expect(dcr(["https://app.example.com/callback"], { clientUri: "https://example.com" })).toEqual([]);
  });

  it("flags loopback-only clients and plain http on loopback as low", () => {
    expect(codes(dcr(["http://127.0.0.1:33418/callback", "http://[::1]:33418/callback"]))).toEqual([
      "low:non_https",
      "low:non_https",
      "low:loopback_only",
    ]);
  });

  it("prefers the loopback IP literal to the name localhost (RFC 8252 §8.3)", () => {
    expect(codes(dcr(["http://localhost:8080/cb"]))).toEqual(["low:non_https", "low:localhost_name", "low:loopback_only"]);
  });

  it("flags plain http to a remote host as high", () => {
    const [risk] = dcr(["http://app.example.com/cb"]);
    expect(risk).toMatchObject({ code: "non_https", severity: "high", uri: "http://app.example.com/cb" });
  });

  it.each([
    ["https://203.0.113.7/cb", "ip_literal"],
    ["https://[2001:db8::1]/cb", "ip_literal"],
    ["https://xn--pypal-4ve.com/cb", "punycode_host"],
    ["https://login.xn--80ak6aa92e.com/cb", "punycode_host"],
    ["cursor://anysphere.cursor-retrieval/oauth/callback", "custom_scheme"],
    ["com.example.app:/oauth2redirect", "custom_scheme"],
  ])("flags %s as %s (high)", (uri, code) => {
    expect(dcr([uri])).toContainEqual(expect.objectContaining({ code, severity: "high", uri }));
  });

  it("flags hosts that are not the client's own site, but not its subdomains", () => {
    const risks = dcr(["https://auth.example.com/cb", "https://evil.example.net/cb"], { clientUri: "https://www.example.com/" });
    expect(risks).toEqual([expect.objectContaining({ code: "host_differs_from_client_uri", severity: "medium", uri: "https://evil.example.net/cb" })]);
  });

  it("flags a metadata-document client redirecting to another host than the document's", () => {
    const risks = redirectUriRisks({ id: "https://tools.example.com/client.json", source: "cimd", redirectUris: ["https://other.example.org/cb", "https://tools.example.com/cb"] });
    expect(codes(risks)).toEqual(["medium:host_differs_from_metadata_url"]);
  });

  it("flags many distinct hosts", () => {
    const risks = dcr(["https://a.one.test/cb", "https://two.test/cb", "https://three.test/cb", "https://four.test/cb"]);
    expect(risks).toContainEqual(expect.objectContaining({ code: "many_hosts", severity: "medium", message: "Redirects to 4 different hosts: a.one.test, four.test, three.test, two.test." }));
    expect(dcr(["https://a.test/1", "https://a.test/2", "https://b.test/cb"]).map((r) => r.code)).not.toContain("many_hosts");
  });

  it("flags an unparseable URI and a missing one only when the client uses redirects", () => {
    expect(codes(dcr(["not a uri"]))).toEqual(["high:unparseable"]);
    expect(codes(dcr([]))).toEqual(["low:no_redirect_uris"]);
    expect(dcr([], { grantTypes: ["client_credentials"] })).toEqual([]);
  });

  it("sorts worst first and summarises the worst", () => {
    const risks = dcr(["http://127.0.0.1/cb", "https://198.51.100.1/cb"]);
    expect(risks[0].severity).toBe("high");
    expect(worstRisk(risks)).toBe("high");
    expect(worstRisk(dcr(["http://127.0.0.1/cb"]))).toBe("low");
    expect(worstRisk([])).toBeNull();
  });
});

describe("siteOf", () => {
  it.each([
    ["auth.example.com", "example.com"],
    ["example.com", "example.com"],
    ["a.b.example.co.uk", "example.co.uk"],
    ["shop.example.com.au", "example.com.au"],
    ["203.0.113.7", "203.0.113.7"],
  ])("%s → %s", (host, site) => {
    expect(siteOf(host)).toBe(site);
  });
});
