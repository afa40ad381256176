-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "issuer" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("seq")
);

-- The audit log is append-only: events and checkpoints are written once and never changed or removed. The refusal has
-- its own SQLSTATE (PA001), which lib/errors.ts maps to a clear 403 should anything in the application ever try.
-- Retention pruning, if it is ever added, must go through a function that records what it pruned in the chain.
CREATE FUNCTION "portcullis_refuse_audit_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "%" is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'PA001',
          HINT = 'Audit events and checkpoints are never changed or deleted; verify the chain with: portcullis audit verify';
END;
$$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION "portcullis_refuse_audit_change"();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_audit_change"();
CREATE TRIGGER "AuditCheckpoint_append_only" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
    FOR EACH ROW EXECUTE FUNCTION "portcullis_refuse_audit_change"();
CREATE TRIGGER "AuditCheckpoint_no_truncate" BEFORE TRUNCATE ON "AuditCheckpoint"
    FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_audit_change"();
