/**
 * Run by the "Client change and consent" area as a guest of the metadata-document instance's embedded database (that
 * instance has its own data): creates a person who can sign in there, and makes the registration policy trust the
 * redirect host 127.0.0.1 — the operator's side of the scenario in which an auto-approved document later re-points
 * its redirect URIs. One process, because each start of lib/ costs seconds.
 *
 *   ATTACK_OPERATOR_EMAIL=… ATTACK_OPERATOR_PASSWORD=… PORTCULLIS_DATA_DIR=… tsx scripts/attack/cimd-operator.ts
 */
import { startPortcullis } from "@/lib/startup";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";
import { createUser } from "@/lib/users/create-user";

const email = process.env.ATTACK_OPERATOR_EMAIL;
const password = process.env.ATTACK_OPERATOR_PASSWORD;
if (!email || !password) throw new Error("ATTACK_OPERATOR_EMAIL and ATTACK_OPERATOR_PASSWORD are required");
const started = await startPortcullis("cli");
try {
  await createUser({ email, name: "Changing-client user", password, roles: ["developer"] }, { actor: "cli" });
  await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, autoApprove: [{ kind: "redirect_host", host: "127.0.0.1" }] }, { actor: "cli" });
} finally {
  await started.stop();
}
