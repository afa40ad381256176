/**
 * Run by the "Client change and consent" area as a guest of the metadata-document instance's embedded database (that
 * instance has its own data): creates a person who can sign in there, and makes the registration policy trust the
 * redirect host 127.0.0.1 — the operator's side of the scenario in which an auto-approved document later re-points
 * its redirect URIs. One process, because each start of lib/ costs seconds. With ATTACK_OPERATOR_APPROVE it approves
 * that client instead, as an admin would after reviewing it.
 *
 *   ATTACK_OPERATOR_EMAIL=… ATTACK_OPERATOR_PASSWORD=… PORTCULLIS_DATA_DIR=… tsx scripts/attack/cimd-operator.ts
 *   ATTACK_OPERATOR_APPROVE=<client id> PORTCULLIS_DATA_DIR=… tsx scripts/attack/cimd-operator.ts
 */
import { approveClient } from "@/lib/clients/approve-client";
import { startPortcullis } from "@/lib/startup";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";
import { createUser } from "@/lib/users/create-user";

const email = process.env.ATTACK_OPERATOR_EMAIL;
const password = process.env.ATTACK_OPERATOR_PASSWORD;
const approve = process.env.ATTACK_OPERATOR_APPROVE;
if (!approve && (!email || !password)) throw new Error("ATTACK_OPERATOR_EMAIL and ATTACK_OPERATOR_PASSWORD, or ATTACK_OPERATOR_APPROVE, are required");
const started = await startPortcullis("cli");
try {
  if (approve) {
    await approveClient(approve, "reviewed by the attack suite's operator", { actor: "cli" });
  } else if (email && password) {
    await createUser({ email, name: "Changing-client user", password, roles: ["developer"] }, { actor: "cli" });
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, autoApprove: [{ kind: "redirect_host", host: "127.0.0.1" }] }, { actor: "cli" });
  }
} finally {
  await started.stop();
}
