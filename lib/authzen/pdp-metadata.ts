import { env } from "@/lib/env";

/**
 * AuthZEN 1.0 §8: the Policy Decision Point metadata at `/.well-known/authzen-configuration`. The decision point's
 * identifier is the issuer (the deployment's base URL); the search APIs are not offered, so they are not listed.
 */
export function pdpMetadata(): Record<string, string> {
  const base = env().issuer;
  return {
    policy_decision_point: base,
    access_evaluation_endpoint: `${base}/access/v1/evaluation`,
    access_evaluations_endpoint: `${base}/access/v1/evaluations`,
  };
}
