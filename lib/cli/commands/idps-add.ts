import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { addTrustedIdp } from "@/lib/idps/add-trusted-idp";

export default defineCommand({
  name: "idps add",
  summary: "Trust an enterprise identity provider's ID-JAGs (enterprise-managed authorization)",
  options: {
    issuer: { type: "string", value: "<url>", description: "The IdP's issuer identifier, exactly as its ID-JAGs carry it (required)" },
    name: { type: "string", value: "<name>", description: "A name for people (required)" },
    "jwks-uri": { type: "string", value: "<url>", description: "Where the IdP publishes its signing keys (https, required)" },
    mapping: { type: "string", value: "linked|email", description: "How an assertion's subject becomes a local user (required)" },
    domain: { type: "string", value: "<domain>", multiple: true, description: "With --mapping email: an allowed email domain (repeatable)" },
  },
  schema: z.object({
    issuer: z.string({ error: "--issuer is required" }),
    name: z.string({ error: "--name is required" }),
    "jwks-uri": z.string({ error: "--jwks-uri is required" }),
    mapping: z.enum(["linked", "email"], { error: "--mapping must be linked or email" }),
    domain: z.array(z.string()).default([]),
  }),
  async run(options, io) {
    const idp = await addTrustedIdp(
      { issuer: options.issuer, name: options.name, jwksUri: options["jwks-uri"], subjectMapping: options.mapping, allowedEmailDomains: options.domain },
      CLI_CONTEXT,
    );
    io.out(io.json ? JSON.stringify(idp) : `Trusting ${idp.name} (${idp.issuer}); subjects mapped by ${idp.subjectMapping} (${idp.id}).`);
    return 0;
  },
});
