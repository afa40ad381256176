-- The audit log at scale (PostgreSQL): "AuditEvent" becomes a table partitioned by month of "at", so that retention
-- drops whole months (lib/audit/archive-audit-partitions.ts) and time-range queries touch only the months they cover.
-- Time never runs backwards along the chain (lib/audit/append-audit.ts), so a month is also one contiguous run of seq
-- and the hash chain simply continues from one partition into the next.
--
-- The embedded database (PGlite) keeps the plain table: it is one process's database, far below the sizes where
-- partitions pay for themselves (bench/README.md gives its measured ceiling), and the functions below do nothing there.

-- Archived (and dropped) months: where the chain now starts, and the signed checkpoint that vouches for the archive.
CREATE TABLE "AuditArchive" (
    "partition" TEXT NOT NULL,
    "firstSeq" BIGINT NOT NULL,
    "lastSeq" BIGINT NOT NULL,
    "firstPrevHash" TEXT NOT NULL,
    "lastHash" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "file" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "checkpoint" JSONB NOT NULL,
    "archivedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "AuditArchive_pkey" PRIMARY KEY ("lastSeq")
);
CREATE TRIGGER "AuditArchive_append_only" BEFORE UPDATE OR DELETE ON "AuditArchive"
    FOR EACH ROW EXECUTE FUNCTION "portcullis_refuse_audit_change"();
CREATE TRIGGER "AuditArchive_no_truncate" BEFORE TRUNCATE ON "AuditArchive"
    FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_audit_change"();

-- A row trigger on a partition runs with the partition's name; the refusal names the audit table as before.
CREATE OR REPLACE FUNCTION "portcullis_refuse_audit_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "%" is refused', TG_OP,
    COALESCE((SELECT relname FROM pg_class WHERE oid = pg_partition_root(TG_RELID)), TG_TABLE_NAME)
    USING ERRCODE = 'PA001',
          HINT = 'Audit events and checkpoints are never changed or deleted; verify the chain with: portcullis audit verify';
END;
$$;

-- On a partitioned table a primary key must include the partition key, so seq alone is no longer unique by index.
-- The one-statement append (lib/audit/append-audit-after.ts) relies on a second writer after the same tail being
-- refused as a unique violation; this statement-level check keeps that: the rows an INSERT added must be one run of
-- consecutive seq that no committed row shares. It runs after the writer holds the chain lock, and as a volatile
-- function's query it sees rows committed since the statement began (READ COMMITTED).
CREATE FUNCTION "portcullis_refuse_duplicate_audit_seq"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lo BIGINT; hi BIGINT; added_count BIGINT; stored BIGINT;
BEGIN
  SELECT min("seq"), max("seq"), count(*) INTO lo, hi, added_count FROM added;
  IF added_count = 0 THEN RETURN NULL; END IF;
  SELECT count(*) INTO stored FROM "AuditEvent" WHERE "seq" BETWEEN lo AND hi;
  IF hi - lo + 1 <> added_count OR stored <> added_count THEN
    RAISE EXCEPTION 'audit events % to % are already in the chain', lo, hi
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'AuditEvent_seq_unique';
  END IF;
  RETURN NULL;
END;
$$;

-- Makes sure a partition exists for every month from `from_at`'s through `months_ahead` months after the current one
-- (UTC months), each with the append-only triggers. Returns how many it created. Run by the migration and then, on
-- every server instance, hourly (lib/audit/schedule-audit-partitions.ts), so an insert never waits for a partition;
-- should one still be missing, the default partition takes the rows and the next run moves them into their month.
-- Does nothing when "AuditEvent" is not partitioned (the embedded database).
CREATE FUNCTION "portcullis_ensure_audit_partitions"(from_at TIMESTAMPTZ, months_ahead INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  month_start TIMESTAMPTZ;
  month_end TIMESTAMPTZ;
  last_month TIMESTAMPTZ;
  part TEXT;
  created INTEGER := 0;
  stray BIGINT;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = '"AuditEvent"'::regclass AND relkind = 'p') THEN RETURN 0; END IF;
  -- One maintainer at a time across instances (a transaction-scoped lock, released at commit).
  PERFORM pg_advisory_xact_lock(7207369003);
  -- From the oldest row the default partition caught, too: each goes to its month.
  month_start := date_trunc('month', least(from_at, now(), (SELECT min("at") FROM "AuditEvent_default")) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  last_month := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + make_interval(months => months_ahead);
  WHILE month_start <= last_month LOOP
    month_end := ((month_start AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    part := 'AuditEvent_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
    IF to_regclass(format('%I', part)) IS NULL
       AND NOT EXISTS (SELECT 1 FROM "AuditArchive" WHERE "partition" = part) THEN
      EXECUTE format('CREATE TABLE %I (LIKE "AuditEvent" INCLUDING DEFAULTS)', part);
      -- Rows the default partition caught for this month move into it first (attaching would refuse otherwise).
      SELECT count(*) INTO stray FROM "AuditEvent_default" WHERE "at" >= month_start AND "at" < month_end;
      IF stray > 0 THEN
        EXECUTE format('INSERT INTO %I SELECT * FROM "AuditEvent_default" WHERE "at" >= $1 AND "at" < $2 ORDER BY "seq"', part)
          USING month_start, month_end;
        ALTER TABLE "AuditEvent_default" DISABLE TRIGGER "AuditEvent_append_only";
        DELETE FROM "AuditEvent_default" WHERE "at" >= month_start AND "at" < month_end;
        ALTER TABLE "AuditEvent_default" ENABLE TRIGGER "AuditEvent_append_only";
      END IF;
      EXECUTE format('ALTER TABLE "AuditEvent" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, month_start, month_end);
      -- Statement triggers are not inherited: TRUNCATE of one month is refused like TRUNCATE of the whole log.
      EXECUTE format('CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_audit_change"()', part);
      created := created + 1;
    END IF;
    month_start := month_end;
  END LOOP;
  RETURN created;
END;
$$;

DO $$
DECLARE
  oldest TIMESTAMPTZ;
BEGIN
  IF version() LIKE '%PGlite%' THEN RETURN; END IF;
  -- Converts the existing table in place of the old one, data kept in chain order; no writer runs meanwhile.
  LOCK TABLE "AuditEvent" IN ACCESS EXCLUSIVE MODE;
  ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_unpartitioned";
  ALTER TABLE "AuditEvent_unpartitioned" RENAME CONSTRAINT "AuditEvent_pkey" TO "AuditEvent_unpartitioned_pkey";
  ALTER INDEX "AuditEvent_kind_seq_idx" RENAME TO "AuditEvent_unpartitioned_kind_seq_idx";
  ALTER INDEX "AuditEvent_clientId_seq_idx" RENAME TO "AuditEvent_unpartitioned_clientId_seq_idx";
  ALTER INDEX "AuditEvent_subject_seq_idx" RENAME TO "AuditEvent_unpartitioned_subject_seq_idx";
  ALTER INDEX "AuditEvent_actor_seq_idx" RENAME TO "AuditEvent_unpartitioned_actor_seq_idx";
  ALTER INDEX "AuditEvent_tool_seq_idx" RENAME TO "AuditEvent_unpartitioned_tool_seq_idx";
  ALTER INDEX "AuditEvent_decision_seq_idx" RENAME TO "AuditEvent_unpartitioned_decision_seq_idx";
  ALTER INDEX "AuditEvent_at_idx" RENAME TO "AuditEvent_unpartitioned_at_idx";

  CREATE TABLE "AuditEvent" (
      "seq" BIGINT NOT NULL,
      "at" TIMESTAMPTZ(3) NOT NULL,
      "kind" TEXT NOT NULL,
      "actor" TEXT,
      "subject" TEXT,
      "clientId" TEXT,
      "tool" TEXT,
      "scopes" TEXT[],
      "decision" TEXT,
      "reason" TEXT,
      "requestId" TEXT,
      "ip" TEXT,
      "detail" JSONB NOT NULL DEFAULT '{}',
      "prevHash" TEXT NOT NULL,
      "hash" TEXT NOT NULL,
      CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq", "at")
  ) PARTITION BY RANGE ("at");
  CREATE INDEX "AuditEvent_kind_seq_idx" ON "AuditEvent"("kind", "seq");
  CREATE INDEX "AuditEvent_clientId_seq_idx" ON "AuditEvent"("clientId", "seq");
  CREATE INDEX "AuditEvent_subject_seq_idx" ON "AuditEvent"("subject", "seq");
  CREATE INDEX "AuditEvent_actor_seq_idx" ON "AuditEvent"("actor", "seq");
  CREATE INDEX "AuditEvent_tool_seq_idx" ON "AuditEvent"("tool", "seq");
  CREATE INDEX "AuditEvent_decision_seq_idx" ON "AuditEvent"("decision", "seq");
  CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
  CREATE TABLE "AuditEvent_default" PARTITION OF "AuditEvent" DEFAULT;

  CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
      FOR EACH ROW EXECUTE FUNCTION "portcullis_refuse_audit_change"();
  CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
      FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_audit_change"();
  CREATE TRIGGER "AuditEvent_default_no_truncate" BEFORE TRUNCATE ON "AuditEvent_default"
      FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_audit_change"();
  CREATE TRIGGER "AuditEvent_seq_unique" AFTER INSERT ON "AuditEvent"
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "portcullis_refuse_duplicate_audit_seq"();

  SELECT min("at") INTO oldest FROM "AuditEvent_unpartitioned";
  PERFORM "portcullis_ensure_audit_partitions"(coalesce(oldest, now()), 3);
  INSERT INTO "AuditEvent" SELECT * FROM "AuditEvent_unpartitioned" ORDER BY "seq";
  -- Every row arrived (the duplicate check above ran over them too); only then does the old table go.
  IF (SELECT count(*) FROM "AuditEvent") <> (SELECT count(*) FROM "AuditEvent_unpartitioned") THEN
    RAISE EXCEPTION 'audit partitioning: the copied log differs from the original; nothing was changed';
  END IF;
  DROP TABLE "AuditEvent_unpartitioned";
END;
$$;
