import { describe, expect, it } from "vitest";
import { crossSiteRefusal } from "@/lib/http/cross-site-guard";

const ORIGIN = "https://portcullis.example";

describe("crossSiteRefusal", () => {
  it("lets safe methods through whatever their origin", () => {
    expect(crossSiteRefusal("GET", "/clients", { origin: "https://evil.example" }, ORIGIN)).toBeNull();
    expect(crossSiteRefusal("OPTIONS", "/oauth/token", { origin: "https://evil.example" }, ORIGIN)).toBeNull();
  });

  it("refuses a console POST (a server action) from another origin, from null and from a sibling port", () => {
    expect(crossSiteRefusal("POST", "/clients/pcl_x", { origin: "https://evil.example" }, ORIGIN)).toMatch(/origin https:\/\/evil.example/);
    expect(crossSiteRefusal("POST", "/tokens", { origin: "null" }, ORIGIN)).not.toBeNull();
    expect(crossSiteRefusal("POST", "/tokens", { origin: "https://portcullis.example:8443" }, ORIGIN)).not.toBeNull();
    expect(crossSiteRefusal("POST", "/api/auth/signout", { origin: "https://portcullis.example.evil.example" }, ORIGIN)).not.toBeNull();
  });

  it("accepts the deployment's own origin", () => {
    expect(crossSiteRefusal("POST", "/tokens", { origin: ORIGIN }, ORIGIN)).toBeNull();
    expect(crossSiteRefusal("POST", "/api/auth/callback/credentials", { origin: ORIGIN }, ORIGIN)).toBeNull();
  });

  it("leaves CORS endpoints and /mcp to their own rules", () => {
    for (const path of ["/oauth/token", "/oauth/register", "/oauth/revoke", "/oauth/introspect", "/oauth/device_authorization", "/mcp"]) {
      expect(crossSiteRefusal("POST", path, { origin: "https://evil.example" }, ORIGIN)).toBeNull();
    }
    expect(crossSiteRefusal("POST", "/oauth/authorize", { origin: "https://evil.example" }, ORIGIN)).not.toBeNull();
  });

  it("without Origin, refuses only what the browser marks cross-site or same-site", () => {
    expect(crossSiteRefusal("POST", "/tokens", {}, ORIGIN)).toBeNull();
    expect(crossSiteRefusal("POST", "/tokens", { "sec-fetch-site": "same-origin" }, ORIGIN)).toBeNull();
    expect(crossSiteRefusal("POST", "/tokens", { "sec-fetch-site": "cross-site" }, ORIGIN)).not.toBeNull();
    expect(crossSiteRefusal("POST", "/tokens", { "sec-fetch-site": "same-site" }, ORIGIN)).not.toBeNull();
  });
});
