/**
 * A signed assertion failed a check. `reason` is for the log and the audit trail; callers turn it into the protocol's
 * answer (`invalid_client` for a client assertion, `invalid_grant` for an authorization grant).
 */
export class AssertionRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "AssertionRejected";
  }
}
