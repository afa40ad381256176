/**
 * An HTTP request as an authorization-server endpoint reads it, whichever server received it: the Portcullis server
 * straight from Node's socket (its fast path), or Next.js as a web Request. Each adapts to this shape, and the
 * endpoint answers with a `JsonAnswer` (status, headers, body) that each writes back its own way.
 */
export interface EndpointRequest {
  method: string;
  /** Every header of the request. */
  headers: Headers;
  /** The body's bytes as they arrive; read through readBodyWithin, which bounds them. */
  body: AsyncIterable<Uint8Array> | null;
  /** The client's address as the Portcullis server resolved it (never a header the client sent); null without it. */
  ip: string | null;
  requestId: string | null;
}
