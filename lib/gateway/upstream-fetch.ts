import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "@/lib/env";
import { upstreamCredential } from "@/lib/gateway/upstream-credential";
import { UpstreamFailure, type UpstreamTarget } from "@/lib/gateway/upstream-target";

type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The call a request to the upstream is made for: a failure found while reading its answer (too large) ends that call
 * at once — the SDK's transport would only report it and leave the call waiting for its timeout.
 */
export const upstreamCall = new AsyncLocalStorage<UpstreamCallContext>();

export interface UpstreamCallContext {
  fail(failure: UpstreamFailure): void;
  /**
   * What the upstream sends on this call's own stream besides its answer (lib/gateway/relay-upstream-messages.ts):
   * a notification tied to the call, to relay to the caller; a request back (sampling, elicitation, roots), answered
   * by the caller or refused. The SDK dispatches them in the async context of the stream they came on.
   */
  notify?(notification: { method: string; params?: Record<string, unknown> }): void;
  ask?(request: { method: string; params?: Record<string, unknown> }): Promise<Record<string, unknown>>;
}

/**
 * The fetch the MCP client uses to reach one upstream, and the one place its credential is added:
 * - only the upstream's own URL (origin and path) is ever requested — a caller never chooses where a request goes;
 * - Portcullis's credential for the upstream replaces anything else in Authorization or the static header;
 * - no redirect is followed (an upstream cannot bounce the credential elsewhere);
 * - a 401 with client credentials fetches a new upstream token and retries once;
 * - a response body larger than the configured maximum is cut off with an error, never buffered whole;
 * - the caller's signal reaches the request through a signal of the request's own, unlinked once the answer has ended.
 *   The SDK's transport hands every request its one long-lived signal, and `fetch` keeps a listener on the signal it is
 *   given until the request object is garbage-collected: on the pooled session that piled up thousands of listeners
 *   (MaxListenersExceededWarning after ~1,500 calls). Now the caller's signal carries one listener of ours, at most.
 */
export function upstreamFetch(target: UpstreamTarget): FetchLike {
  const allowed = new URL(target.url);
  return async (url, init) => {
    const destination = new URL(url);
    if (destination.origin !== allowed.origin || destination.pathname !== allowed.pathname) {
      throw new UpstreamFailure("redirect", `refused to send a request for ${target.name} anywhere but its registered URL`);
    }
    const signal = requestSignal(init?.signal ?? undefined);
    const send = async (fresh: boolean) => {
      const headers = new Headers(init?.headers);
      headers.delete("authorization");
      for (const [name, value] of Object.entries(await upstreamCredential(target, { fresh }))) headers.set(name, value);
      try {
        return await fetch(destination, { ...init, headers, redirect: "manual", signal: signal.signal });
      } catch (error) {
        if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError") throw error;
        throw new UpstreamFailure("unreachable", `${target.name} could not be reached (${describeCause(error)})`);
      }
    };
    try {
      let response = await send(false);
      if (response.status === 401 && target.authKind === "client_credentials") {
        await response.body?.cancel().catch(() => {});
        response = await send(true);
      }
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => {});
        throw new UpstreamFailure("redirect", `${target.name} answered with a redirect (HTTP ${response.status}), which Portcullis does not follow`);
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel().catch(() => {});
        throw new UpstreamFailure("unauthorized", `${target.name} refused Portcullis's credential (HTTP ${response.status})`);
      }
      return limitBody(response, env().gateway.maxResponseBytes, target.name, upstreamCall.getStore(), signal.release);
    } catch (error) {
      signal.release();
      throw error;
    }
  };
}

// The requests in flight under each caller signal. The signal gets one listener of ours, whatever the concurrency: a
// listener per request would sit 32 deep on the pooled session's signal at 32 calls in flight.
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * A signal for one request that aborts when `outer` does, and `release`, which unlinks it from `outer` (idempotent):
 * called when the answer has ended, so `outer` never keeps a request that is over.
 */
function requestSignal(outer: AbortSignal | undefined): { signal: AbortSignal | undefined; release(): void } {
  if (!outer) return { signal: undefined, release: () => {} };
  const controller = new AbortController();
  if (outer.aborted) {
    controller.abort(outer.reason);
    return { signal: controller.signal, release: () => {} };
  }
  let requests = inFlight.get(outer);
  if (!requests) {
    const set = (requests = new Set());
    inFlight.set(outer, set);
    outer.addEventListener(
      "abort",
      () => {
        inFlight.delete(outer);
        for (const request of set) request.abort(outer.reason);
      },
      { once: true },
    );
  }
  requests.add(controller);
  const own = requests;
  return { signal: controller.signal, release: () => void own.delete(controller) };
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The answer, read through a counter that cuts it off past `maxBytes`; `ended` runs once it is over, however it ends. */
function limitBody(response: Response, maxBytes: number, name: string, call: { fail(failure: UpstreamFailure): void } | undefined, ended: () => void): Response {
  if (!response.body) {
    ended();
    return response;
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    void response.body.cancel().catch(() => {});
    throw new UpstreamFailure("too_large", `${name} answered with more than ${maxBytes} bytes`);
  }
  const reader = response.body.getReader();
  let seen = 0;
  // Read by hand rather than piped: an answer that grows too large, or a connection that dies mid-answer, ends the call
  // it belongs to at once (the SDK's transport would only report the stream error and leave the call waiting).
  const counted = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        ended();
        const failure = new UpstreamFailure("unreachable", `${name} closed the connection in the middle of its answer`);
        call?.fail(failure);
        controller.error(failure);
        return;
      }
      if (chunk.done) {
        ended();
        return controller.close();
      }
      seen += chunk.value.byteLength;
      if (seen > maxBytes) {
        ended();
        const failure = new UpstreamFailure("too_large", `${name} answered with more than ${maxBytes} bytes`);
        call?.fail(failure);
        controller.error(failure);
        void reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      ended();
      return reader.cancel(reason);
    },
  });
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
}
