-- Audit sinks: destinations the audit chain streams to, each with its own durable cursor (the last seq delivered),
-- its delivery health, and a lease so that one instance at a time delivers it.
CREATE TABLE "AuditSink" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "allowPrivate" BOOLEAN NOT NULL DEFAULT false,
    "options" JSONB NOT NULL DEFAULT '{}',
    "secretSealed" TEXT,
    "batchSize" INTEGER NOT NULL DEFAULT 200,
    "lagAlertEvents" INTEGER NOT NULL DEFAULT 1000,
    "lagAlertSeconds" INTEGER NOT NULL DEFAULT 300,
    "cursor" BIGINT NOT NULL DEFAULT 0,
    "deliveredAt" TIMESTAMPTZ(3),
    "attemptedAt" TIMESTAMPTZ(3),
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMPTZ(3),
    "nextAttemptAt" TIMESTAMPTZ(3),
    "laggingSince" TIMESTAMPTZ(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "AuditSink_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AuditSink_kind_check" CHECK ("kind" IN ('webhook', 'syslog', 'otlp')),
    CONSTRAINT "AuditSink_cursor_check" CHECK ("cursor" >= 0)
);

CREATE UNIQUE INDEX "AuditSink_name_key" ON "AuditSink"("name");
