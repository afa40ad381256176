/** An upstream server as the gateway uses it: where it is and how Portcullis authenticates to it (sealed). */
export interface UpstreamTarget {
  name: string;
  url: string;
  authKind: string;
  headerName: string | null;
  headerValueSealed: string | null;
  tokenUrl: string | null;
  oauthClientId: string | null;
  clientSecretSealed: string | null;
  oauthScope: string | null;
  oauthResource: string | null;
  updatedAt: Date;
}

/** What went wrong talking to an upstream, with the HTTP status the caller is answered with. */
export class UpstreamFailure extends Error {
  constructor(
    readonly outcome: "unreachable" | "timeout" | "too_large" | "bad_response" | "redirect" | "unauthorized" | "busy",
    message: string,
  ) {
    super(message);
    this.name = "UpstreamFailure";
  }

  /** 504 for a timeout (the upstream did not answer in time), 503 when it cannot be reached or is busy, else 502. */
  get status(): number {
    if (this.outcome === "timeout") return 504;
    if (this.outcome === "unreachable" || this.outcome === "busy") return 503;
    return 502;
  }
}
