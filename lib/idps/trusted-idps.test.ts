import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { addTrustedIdp } from "@/lib/idps/add-trusted-idp";
import { findTrustedIdp } from "@/lib/idps/find-trusted-idp";
import { linkIdpAccount } from "@/lib/idps/link-idp-account";
import { listTrustedIdps } from "@/lib/idps/list-trusted-idps";
import { removeTrustedIdp } from "@/lib/idps/remove-trusted-idp";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const okta = { issuer: "https://acme.okta.example", name: "Acme Okta", jwksUri: "https://acme.okta.example/keys", subjectMapping: "linked" as const };

describe("trusted enterprise identity providers", () => {
  it("are added, listed, found by exact issuer and removed, each change audited", async () => {
    const added = await addTrustedIdp(okta, CLI_CONTEXT);
    expect(await findTrustedIdp(okta.issuer)).toMatchObject({ id: added.id });
    expect(await findTrustedIdp(`${okta.issuer}/`)).toBeNull();
    await expect(addTrustedIdp(okta, CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
    const person = await createUser({ email: "pat@acme.example", name: "Pat", roles: ["reader"] }, CLI_CONTEXT);
    await linkIdpAccount({ idp: okta.issuer, subject: "00u-pat", user: person.email }, CLI_CONTEXT);
    expect(await listTrustedIdps()).toEqual([expect.objectContaining({ issuer: okta.issuer, linkedAccounts: 1 })]);
    await removeTrustedIdp(okta.issuer, CLI_CONTEXT);
    expect(await findTrustedIdp(okta.issuer)).toBeNull();
    expect(await db().idpAccountLink.count()).toBe(0);
    const kinds = (await db().auditEvent.findMany({ where: { kind: { startsWith: "idp." } }, orderBy: { seq: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["idp.trusted", "idp.account_linked", "idp.removed"]);
  });

  it("refuse bad input with a clear message", async () => {
    await expect(addTrustedIdp({ ...okta, issuer: "http://insecure.example" }, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: "issuer: issuer must be an https URL" });
    await expect(addTrustedIdp({ ...okta, subjectMapping: "email" }, CLI_CONTEXT)).rejects.toMatchObject({
      message: "allowedEmailDomains: subject mapping email needs at least one allowed email domain",
    });
    await expect(removeTrustedIdp("https://nobody.example", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
    await addTrustedIdp({ ...okta, issuer: "https://entra.example" }, CLI_CONTEXT);
    const service = await createUser({ email: "svc-idp@example.test", name: "Svc", kind: "service", roles: [] }, CLI_CONTEXT);
    await expect(linkIdpAccount({ idp: "https://entra.example", subject: "s", user: service.email }, CLI_CONTEXT)).rejects.toMatchObject({
      message: "svc-idp@example.test is a service identity, not a person.",
    });
  });
});
