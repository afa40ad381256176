import { describe, expect, it } from "vitest";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";
import { listField, registrationPolicyFromForm, registrationPolicyToForm } from "@/lib/settings/registration-policy-form";

const base = registrationPolicyToForm(DEFAULT_REGISTRATION_POLICY);

describe("the registration policy form", () => {
  it("round-trips the default policy", () => {
    expect(registrationPolicyFromForm(base)).toEqual(DEFAULT_REGISTRATION_POLICY);
  });

  it("reads lists one per line (or comma separated), lower-cased, duplicates once, rules by kind", () => {
    const policy = registrationPolicyFromForm({
      ...base,
      allowedHosts: "example.com\n  Apps.Example.org , example.com\n",
      deniedHosts: "evil.example",
      allowLoopback: false,
      trustedCimdDomains: "tools.example.com",
      trustedRedirectHosts: "intranet.example.com",
      rateLimitMax: "5",
      rateLimitWindowSeconds: "60",
      maxPendingClients: "10",
      defaultScopes: ["account:read", "account:read"],
    });
    expect(policy).toEqual({
      redirectUris: { allowedHosts: ["example.com", "apps.example.org"], deniedHosts: ["evil.example"], allowLoopback: false },
      autoApprove: [
        { kind: "cimd_domain", domain: "tools.example.com" },
        { kind: "redirect_host", host: "intranet.example.com" },
      ],
      registrationRateLimit: { max: 5, windowSeconds: 60 },
      maxPendingClients: 10,
      maxPendingClientsPerAddress: 20,
      prunePendingWhenFull: { enabled: false, olderThanDays: 7 },
      defaultScopes: ["account:read"],
    });
    expect(listField(" a ,b\n\nc ")).toEqual(["a", "b", "c"]);
  });

  it("names each problem by its field label and entry", () => {
    expect(() => registrationPolicyFromForm({ ...base, deniedHosts: "ok.example\nbad_host!" })).toThrow(
      "Denied redirect hosts: must be a host name (bad_host!).",
    );
    expect(() => registrationPolicyFromForm({ ...base, trustedRedirectHosts: "https://x.example/cb" })).toThrow(
      "Trusted redirect hosts: must be a host name (https://x.example/cb).",
    );
    expect(() => registrationPolicyFromForm({ ...base, maxPendingClients: "" })).toThrow("Pending-client cap: enter a whole number.");
    expect(() => registrationPolicyFromForm({ ...base, rateLimitMax: "0" })).toThrow(/^Registrations per address: /);
  });
});
