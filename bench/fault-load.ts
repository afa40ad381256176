/**
 * The mixed load `npm run faults` runs while it breaks things: token issuance (client_credentials), the
 * authorization-code flow with PKCE followed by refreshes, and MCP tool calls — spread over the instances given. Every
 * request is bounded (ANSWER_BOUND_MS): a request not answered by then is a hang. Every answer is logged with its
 * time, so a scenario can judge what happened before, during and after a fault; every token a client received is
 * remembered, so the database can be checked for it afterwards.
 */
import { createHash, randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import type { Cluster, Instance } from "./cluster";
import { basicAuth, callTool, type ServiceClient } from "./cluster-fixtures";

export const ANSWER_BOUND_MS = 5_000;

export type Kind = "token" | "code" | "refresh" | "tool" | "readyz" | "console";

export interface Answer {
  kind: Kind;
  instance: string;
  /** performance.now() when sent and when answered. */
  sentAt: number;
  at: number;
  /** HTTP status; 0 when the connection failed; -1 when no answer came within the bound. */
  status: number;
  error?: string;
  body?: string;
}

export interface PublicClient {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
}

export interface LoadTargets {
  cluster: Cluster;
  instances: Instance[];
  service: ServiceClient;
  /** With a public client (PostgreSQL mode: codes are issued through lib/ in this process), the code flow runs too. */
  publicClient?: PublicClient;
  /** Tokens to call tools with (one per instance is fine; the instance does not matter). */
  toolToken: string;
  /** A signed-in admin's session cookie: the console's pages are loaded too. */
  consoleCookie?: string;
}

export class FaultLoad {
  readonly answers: Answer[] = [];
  /** jti of every access token a client received (the server acknowledged it). */
  readonly acknowledgedTokens = new Set<string>();
  /** Tool calls answered with a decision (200 allowed, 403 denied). */
  acknowledgedDecisions = 0;
  private stopped = false;
  private running: Promise<void>[] = [];

  constructor(private readonly targets: LoadTargets) {}

  start(workers: { token?: number; code?: number; tool?: number; console?: number } = {}): void {
    const { instances } = this.targets;
    const spawn = (count: number, loop: (instance: Instance, worker: number) => Promise<void>) => {
      for (let i = 0; i < count; i++) this.running.push(loop(instances[i % instances.length], i));
    };
    spawn(workers.token ?? 4, (instance) => this.tokenLoop(instance));
    if (this.targets.publicClient) spawn(workers.code ?? 2, (instance) => this.codeLoop(instance));
    spawn(workers.tool ?? 6, (instance, worker) => this.toolLoop(instance, worker));
    if (this.targets.consoleCookie) spawn(workers.console ?? 2, (instance, worker) => this.consoleLoop(instance, worker));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
    this.running = [];
  }

  private async request(kind: Kind, instance: Instance, run: (signal: AbortSignal) => Promise<{ status: number; body?: string }>): Promise<Answer> {
    const sentAt = performance.now();
    let answer: Answer;
    try {
      const { status, body } = await run(AbortSignal.timeout(ANSWER_BOUND_MS));
      answer = { kind, instance: instance.name, sentAt, at: performance.now(), status, body: status >= 300 || kind === "console" ? body?.slice(0, 300) : undefined };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
      answer = { kind, instance: instance.name, sentAt, at: performance.now(), status: timedOut ? -1 : 0, error: e.cause?.code ?? e.message };
    }
    this.answers.push(answer);
    return answer;
  }

  /** A pause after a failed request, so a dead instance is not hammered in a tight loop. */
  private async pauseAfter(answer: Answer): Promise<void> {
    if (answer.status <= 0 || answer.status >= 500) await new Promise((r) => setTimeout(r, 50));
  }

  private async tokenLoop(instance: Instance): Promise<void> {
    const { service, cluster } = this.targets;
    while (!this.stopped) {
      const answer = await this.request("token", instance, async (signal) => {
        const response = await fetch(`${instance.url}/oauth/token`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basicAuth(service.clientId, service.clientSecret) },
          body: new URLSearchParams({ grant_type: "client_credentials", scope: service.scope, resource: cluster.resource }).toString(),
          signal,
        });
        const body = await response.text();
        if (response.status === 200) this.acknowledgedTokens.add(String(decodeJwt(JSON.parse(body).access_token as string).jti));
        return { status: response.status, body };
      });
      await this.pauseAfter(answer);
    }
  }

  private async codeLoop(instance: Instance): Promise<void> {
    const client = this.targets.publicClient!;
    const { cluster } = this.targets;
    const { issueAuthorizationCode } = await import("@/lib/oauth/authorize/issue-authorization-code");
    const { findClient } = await import("@/lib/clients/find-client");
    while (!this.stopped) {
      const verifier = randomBytes(32).toString("base64url");
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      let code: string;
      try {
        // The user's consent, as the authorization endpoint records it after sign-in (this process is one more member
        // of the deployment); the exchange and the refreshes below are the instances' work.
        const found = await findClient(client.clientId, { actor: "system" });
        const redirect = await issueAuthorizationCode({
          request: {
            client: found!,
            redirectUri: client.redirectUri,
            state: "s",
            codeChallenge: challenge,
            resource: cluster.resource,
            requestedScopes: client.scopes,
            prompt: undefined,
            params: {},
          },
          userId: client.userId,
          scopes: client.scopes,
          remembered: false,
          ctx: { actor: `user:${client.userId}`, requestId: "faults" },
        });
        code = new URL(redirect).searchParams.get("code")!;
      } catch {
        // The database is down (PostgreSQL restart): no consent could be recorded; try again shortly.
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const form = (params: Record<string, string>) => ({
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: client.clientId, ...params }).toString(),
      });
      let refresh: string | undefined;
      const exchange = await this.request("code", instance, async (signal) => {
        const response = await fetch(`${instance.url}/oauth/token`, {
          ...form({ grant_type: "authorization_code", code, redirect_uri: client.redirectUri, code_verifier: verifier, resource: cluster.resource }),
          signal,
        });
        const body = await response.text();
        if (response.status === 200) {
          const parsed = JSON.parse(body) as { access_token: string; refresh_token?: string };
          this.acknowledgedTokens.add(String(decodeJwt(parsed.access_token).jti));
          refresh = parsed.refresh_token;
        }
        return { status: response.status, body };
      });
      await this.pauseAfter(exchange);
      for (let i = 0; i < 2 && refresh && !this.stopped; i++) {
        const current: string = refresh;
        refresh = undefined;
        const answer = await this.request("refresh", instance, async (signal) => {
          const response = await fetch(`${instance.url}/oauth/token`, { ...form({ grant_type: "refresh_token", refresh_token: current }), signal });
          const body = await response.text();
          if (response.status === 200) {
            const parsed = JSON.parse(body) as { access_token: string; refresh_token?: string };
            this.acknowledgedTokens.add(String(decodeJwt(parsed.access_token).jti));
            refresh = parsed.refresh_token;
          }
          return { status: response.status, body };
        });
        await this.pauseAfter(answer);
      }
    }
  }

  /** Console pages that read the database (clients, users, audit), as a signed-in admin sees them. */
  private async consoleLoop(instance: Instance, worker: number): Promise<void> {
    const pages = ["/clients", "/users", "/audit"];
    let i = worker;
    while (!this.stopped) {
      const page = pages[i++ % pages.length];
      const answer = await this.request("console", instance, async (signal) => {
        const response = await fetch(`${instance.url}${page}`, { headers: { Cookie: this.targets.consoleCookie! }, redirect: "manual", signal });
        const body = await response.text();
        return { status: response.status, body: `${page}: ${body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 200)}` };
      });
      await this.pauseAfter(answer);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async toolLoop(instance: Instance, worker: number): Promise<void> {
    const tools = ["whoami", "list_clients", "query_audit"];
    let i = worker;
    while (!this.stopped) {
      const tool = tools[i++ % tools.length];
      const answer = await this.request("tool", instance, async (signal) => {
        const result = await callTool(instance, this.targets.toolToken, tool, {}, ANSWER_BOUND_MS, signal);
        if (result.status === 200 || result.status === 403) this.acknowledgedDecisions += 1;
        return { status: result.status, body: result.body };
      });
      await this.pauseAfter(answer);
    }
  }
}

/** Polls a URL until it answers 200; returns when, or undefined at the deadline. */
export async function firstSuccess(probe: () => Promise<boolean>, deadlineMs: number): Promise<number | undefined> {
  const deadline = performance.now() + deadlineMs;
  while (performance.now() < deadline) {
    if (await probe().catch(() => false)) return performance.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
