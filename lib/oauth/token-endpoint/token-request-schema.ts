import { z } from "zod";
import { MAX_ASSERTION_BYTES } from "@/lib/assertions/assertion-rules";
import { GRANT_TYPES } from "@/lib/oauth/constants";

const param = (name: string) => z.string({ error: `The ${name} parameter is required.` }).max(4096, `The ${name} parameter is too long.`);
const optional = (name: string) => param(name).optional();

/** The token request (RFC 6749 §4.1.3, §6, §4.4.2; RFC 8628 §3.4; RFC 7523 §2.1), one shape per grant_type. Unknown parameters are ignored (§3.2). */
export const tokenRequestSchema = z.discriminatedUnion("grant_type", [
  z.object({
    grant_type: z.literal(GRANT_TYPES.authorizationCode),
    code: param("code"),
    redirect_uri: param("redirect_uri"),
    code_verifier: param("code_verifier"),
    resource: optional("resource"),
  }),
  z.object({
    grant_type: z.literal(GRANT_TYPES.refreshToken),
    refresh_token: param("refresh_token"),
    scope: optional("scope"),
    resource: optional("resource"),
  }),
  z.object({
    grant_type: z.literal(GRANT_TYPES.clientCredentials),
    scope: optional("scope"),
    resource: optional("resource"),
  }),
  z.object({
    grant_type: z.literal(GRANT_TYPES.jwtBearer),
    // RFC 7523 §2.1: one assertion. ID-JAGs are small; the verifier refuses more than MAX_ASSERTION_BYTES.
    assertion: z.string({ error: "The assertion parameter is required." }).max(MAX_ASSERTION_BYTES, `The assertion parameter is longer than ${MAX_ASSERTION_BYTES} bytes.`),
    scope: optional("scope"),
    resource: optional("resource"),
  }),
  z.object({
    grant_type: z.literal(GRANT_TYPES.deviceCode),
    device_code: param("device_code"),
    resource: optional("resource"),
  }),
]);

export type TokenRequest = z.infer<typeof tokenRequestSchema>;
export type TokenRequestOf<G extends TokenRequest["grant_type"]> = Extract<TokenRequest, { grant_type: G }>;
