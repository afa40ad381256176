import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { createRole } from "@/lib/roles/create-role";
import { createUser } from "@/lib/users/create-user";
import { actionId } from "./console";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import type { Browser, Reply } from "./http";

/**
 * A console server action called as the console's JavaScript calls it (React's reply encoding: the FormData argument's
 * fields under `_1_`, the argument list as field `0`, which refers to it as `$K1`); a field given as a list is sent
 * once per value, as a multi-select sends it.
 */
function callAction(browser: Browser, path: string, name: string, fields: Record<string, string | string[]>): Promise<Reply> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) form.append(`_1_${k}`, value);
  form.set("0", JSON.stringify([null, "$K1"]));
  return browser.request(path, { method: "POST", body: form, headers: { "next-action": actionId(name), accept: "text/x-component", origin: browser.base } });
}

// The attacker administers people and policy (users:write, policy:write) without being an iam_admin.
const ATTACKER_ROLE = "attack_delegate";
const ATTACKER_SCOPES = ["account:read", "users:read", "users:write", "policy:read", "policy:write"];

/**
 * Privilege escalation through role administration: someone who may administer access (users:write, policy:write) but
 * is not an iam_admin tries to hand themselves — or an accomplice — more than they hold. Each attempt must come back
 * as the action's error `privilege_escalation` with the rule's message, change nothing, and leave a `console.denied`
 * audit event.
 */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  const { admin, reviewer, developer } = fx.users;
  let ready: Promise<{ browser: Browser; id: string }> | undefined;
  const attacker = () =>
    (ready ??= (async () => {
      await createRole({ name: ATTACKER_ROLE, description: "Delegated administration (attack suite)", scopes: ATTACKER_SCOPES }, CLI_CONTEXT);
      const user = await createUser({ email: "delegate@attack.test", name: "Attack Delegate", password: fx.password, roles: [ATTACKER_ROLE] }, CLI_CONTEXT);
      // The server learns of changes made by another process from its change watcher (about a second).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { browser: await fx.signIn(user.email), id: user.id };
    })());

  const policyOf = async () =>
    JSON.stringify([
      await db().role.findMany({ orderBy: { name: "asc" }, select: { name: true, scopes: { select: { scopeName: true } }, parents: { select: { parentId: true } }, mappings: { select: { externalName: true } } } }),
      await db().tool.findMany({ orderBy: { name: "asc" }, select: { name: true, requiredScope: true } }),
    ]);
  const peopleOf = async () =>
    JSON.stringify(await db().user.findMany({ orderBy: { email: "asc" }, select: { email: true, disabledAt: true, roles: { select: { roleId: true } } } }));

  /** The action's result is `privilege_escalation` with `message`; nothing changed; one more console.denied event. */
  const refused = (path: string, action: string, fields: (self: string) => Record<string, string | string[]>, message: string) => async () => {
    const { browser, id } = await attacker();
    const before = [await policyOf(), await peopleOf()];
    const denied = await database.countAudit({ kind: "console.denied", actor: `user:${id}` });
    const reply = await callAction(browser, path, action, fields(id));
    demand(JSON.stringify([await policyOf(), await peopleOf()]) === JSON.stringify(before), `the change happened (answer: ${reply})`);
    demand(
      reply.status === 200 && reply.text.includes('"code":"privilege_escalation"') && reply.text.includes(message),
      `expected the action's result privilege_escalation ("${message}"), got ${reply}`,
    );
    const after = await database.countAudit({ kind: "console.denied", actor: `user:${id}` });
    demand(after === denied + 1, `the refusal was not audited (console.denied events ${denied} → ${after})`);
  };
  const expected = (message: string) => `action result privilege_escalation "${message}"; unchanged; console.denied audited`;
  const scopesWith = (...extra: string[]) => [...ATTACKER_SCOPES, ...extra];

  const cases: Array<[name: string, path: (self: string) => string, action: string, fields: (self: string) => Record<string, string | string[]>, message: string]> = [
    ["users:write holder makes themselves iam_admin", (self) => `/users/${self}`, "assignRoleAction", (self) => ({ userId: self, role: "iam_admin" }), "You cannot change your own roles: ask another administrator to give iam_admin."],
    ["users:write holder makes an accomplice iam_admin", () => `/users/${developer.id}`, "assignRoleAction", () => ({ userId: developer.id, role: "iam_admin" }), "Only an iam_admin may give iam_admin."],
    ["users:write holder gives another a role stronger than their own", () => `/users/${reviewer.id}`, "assignRoleAction", () => ({ userId: reviewer.id, role: "editor" }), "You cannot give role editor: it carries scopes you do not hold (clients:read, clients:write)."],
    ["users:write holder creates an account with iam_admin and a password they know", () => "/users", "createUserAction", () => ({ email: "sock-puppet@attack.test", name: "Sock", password: fx.password, roles: "iam_admin" }), "Only an iam_admin may give iam_admin."],
    ["users:write holder takes iam_admin from the admin", () => `/users/${admin.id}`, "removeRoleAction", () => ({ userId: admin.id, role: "iam_admin" }), "Only an iam_admin may take away iam_admin."],
    ["users:write holder disables the admin", () => `/users/${admin.id}`, "setUserDisabledAction", () => ({ userId: admin.id, disabled: "true" }), "Only an iam_admin may disable admin@attack.test, who holds iam_admin."],
    ["policy:write holder adds a scope to their own role", () => `/roles/${ATTACKER_ROLE}`, "setRoleScopesAction", () => ({ role: ATTACKER_ROLE, scopes: scopesWith("settings:write") }), `You cannot change role ${ATTACKER_ROLE}: you hold it (directly or through inheritance). Ask another administrator.`],
    ["policy:write holder makes their own role inherit iam_admin", () => `/roles/${ATTACKER_ROLE}`, "addRoleParentAction", () => ({ role: ATTACKER_ROLE, parent: "iam_admin" }), `You cannot change role ${ATTACKER_ROLE}: you hold it (directly or through inheritance). Ask another administrator.`],
    ["policy:write holder makes another role inherit iam_admin (to give it away later)", () => "/roles/developer", "addRoleParentAction", () => ({ role: "developer", parent: "iam_admin" }), "Only an iam_admin may change whether developer inherits iam_admin."],
    ["policy:write holder adds a scope they lack to another role", () => "/roles/developer", "setRoleScopesAction", () => ({ role: "developer", scopes: ["account:read", "grants:own", "tokens:revoke"] }), "You cannot give or take scopes you do not hold yourself (tokens:revoke) through role developer."],
    ["policy:write holder creates a role inheriting iam_admin", () => "/roles", "createRoleAction", () => ({ name: "backdoor", description: "", parents: "iam_admin" }), "Only an iam_admin may change whether backdoor inherits iam_admin."],
    ["policy:write holder moves a tool they may not call (approve_client) to a scope they hold", () => "/scopes", "setToolScopeAction", () => ({ tool: "approve_client", scope: "account:read" }), "You cannot change which scope tool approve_client requires: you do not hold its current scope clients:write."],
    ["policy:write holder maps a WorkOS role to iam_admin", () => "/workos", "addRoleMappingAction", () => ({ externalKind: "role", externalName: "member", role: "iam_admin" }), "Only an iam_admin may map a WorkOS role or permission to iam_admin."],
  ];

  // A client reviewer (clients:write, not iam_admin) hands a client they hold the secret of a stronger service identity.
  let reviewerReady: Promise<{ browser: Browser; id: string; serviceEmail: string }> | undefined;
  const clientReviewer = () =>
    (reviewerReady ??= (async () => {
      await createRole({ name: "attack_client_reviewer", description: "Client review (attack suite)", scopes: ["account:read", "clients:read", "clients:write"] }, CLI_CONTEXT);
      const user = await createUser({ email: "client-reviewer@attack.test", name: "Client Reviewer", password: fx.password, roles: ["attack_client_reviewer"] }, CLI_CONTEXT);
      const service = await createUser({ email: "deployer@service.attack.test", name: "Deployer", kind: "service", roles: ["iam_admin"] }, CLI_CONTEXT);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { browser: await fx.signIn(user.email), id: user.id, serviceEmail: service.email };
    })());
  let serviceClients = 0;
  const serviceClient = (status: "pending" | "active", serviceUserId: string | null) =>
    db().client.create({
      data: {
        id: `pcl_attack_svc${++serviceClients}`,
        name: `Attack service agent ${serviceClients}`,
        status,
        source: "dcr",
        redirectUris: [],
        grantTypes: ["client_credentials"],
        responseTypes: [],
        requestedScopes: ["clients:read", "users:write"],
        allowedScopes: ["clients:read"],
        serviceUserId,
      },
    });
  const clientOf = async (id: string) => JSON.stringify(await db().client.findUniqueOrThrow({ where: { id }, select: { status: true, allowedScopes: true, serviceUserId: true } }));
  const serviceCase = (name: string, message: (client: string, service: string) => string, setUp: (serviceUserId: string) => Promise<{ id: string; name: string }>, act: (browser: Browser, client: string, service: string) => Promise<Reply>) =>
    attack(name, "action result privilege_escalation naming the scopes not held; client unchanged; console.denied audited", async () => {
      const { browser, id, serviceEmail } = await clientReviewer();
      const service = await db().user.findFirstOrThrow({ where: { email: serviceEmail } });
      const client = await setUp(service.id);
      const before = await clientOf(client.id);
      const denied = await database.countAudit({ kind: "console.denied", actor: `user:${id}` });
      const reply = await act(browser, client.id, serviceEmail);
      demand((await clientOf(client.id)) === before, `the client changed (answer: ${reply})`);
      const text = message(client.name, serviceEmail);
      demand(reply.status === 200 && reply.text.includes('"code":"privilege_escalation"') && reply.text.includes(text), `expected privilege_escalation ("${text}"), got ${reply}`);
      demand((await database.countAudit({ kind: "console.denied", actor: `user:${id}` })) === denied + 1, "the refusal was not audited");
    });

  return {
    name: "Privilege escalation",
    cases: [
      ...cases.map(([name, path, action, fields, message]) =>
        attack(name, expected(message), async () => {
          const { id } = await attacker();
          await refused(path(id), action, fields, message)();
        }),
      ),
      serviceCase(
        "clients:write holder approves a client as an iam_admin service identity",
        (client, service) => `You cannot let client ${client} act as ${service} with scopes you do not hold yourself (users:write): ask an iam_admin.`,
        () => serviceClient("pending", null),
        (browser, client, service) =>
          callAction(browser, `/clients/${client}`, "approveClientAction", { clientId: client, reason: "looks fine", scopes: ["clients:read", "users:write"], serviceUser: service }),
      ),
      serviceCase(
        "clients:write holder widens a bound service client's allow-list beyond their own scopes",
        (client, service) => `You cannot let client ${client} act as ${service} with scopes you do not hold yourself (users:write): ask an iam_admin.`,
        (serviceUserId) => serviceClient("active", serviceUserId),
        (browser, client) => callAction(browser, `/clients/${client}`, "updateClientScopesAction", { clientId: client, scopes: ["clients:read", "users:write"], reason: "" }),
      ),
    ],
  };
}
