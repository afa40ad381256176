import { ProtocolError, ProtocolErrorCode, type Client, type ClientCapabilities } from "@modelcontextprotocol/client";
import { upstreamCall } from "@/lib/gateway/upstream-fetch";

/** The server-to-client requests an upstream may send during a call, which Portcullis relays to a caller that can answer. */
export const RELAYED_SERVER_REQUESTS = ["sampling/createMessage", "elicitation/create", "roots/list"] as const;
export type RelayedServerRequest = (typeof RELAYED_SERVER_REQUESTS)[number];

/**
 * What Portcullis declares to an upstream: it can carry sampling, elicitation and roots — on behalf of whichever caller
 * the call is for. A caller that cannot answer gets the upstream's request refused with a JSON-RPC error at once, which
 * an upstream handles like any client's "not supported"; declaring nothing would hide those tools from every caller.
 */
export const UPSTREAM_CLIENT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} };

/**
 * Wires an upstream client session so that what the upstream sends during a call reaches that call: notifications tied
 * to it (logging) and requests back (sampling, elicitation, roots). The session is shared by concurrent calls; the SDK
 * dispatches each message in the async context of the response stream it arrived on, which is the call's own
 * (`upstreamCall`). Outside a call (the standalone stream), a request back is refused: there is nobody to ask.
 */
export function relayUpstreamMessages(client: Client): void {
  client.setNotificationHandler("notifications/message", (notification) => {
    upstreamCall.getStore()?.notify?.({ method: notification.method, params: notification.params as Record<string, unknown> });
  });
  for (const method of RELAYED_SERVER_REQUESTS) {
    client.setRequestHandler(method, async (request) => {
      const call = upstreamCall.getStore();
      if (!call?.ask) {
        throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `Portcullis relays ${method} only during a tool call, to the caller that made it`);
      }
      return (await call.ask({ method, params: request.params as Record<string, unknown> })) as never;
    });
  }
}
