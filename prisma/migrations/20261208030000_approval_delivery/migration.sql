-- Approvals: fields masked from approvers, how a held call's caller waits (task, URL elicitation), and the outbox of
-- webhook notifications of new requests.
ALTER TABLE "ToolApproval" ADD COLUMN "maskedFields" TEXT[] DEFAULT ARRAY[]::TEXT[];

ALTER TABLE "ApprovalRequest" ADD COLUMN "delivery" TEXT,
ADD COLUMN "resource" TEXT,
ADD COLUMN "callName" TEXT,
ADD COLUMN "taskOutcome" JSONB,
ADD COLUMN "maskedFields" TEXT[] DEFAULT ARRAY[]::TEXT[];

CREATE TABLE "ApprovalNotification" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApprovalNotification_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ApprovalNotification_status_nextAttemptAt_idx" ON "ApprovalNotification"("status", "nextAttemptAt");

ALTER TABLE "ApprovalNotification" ADD CONSTRAINT "ApprovalNotification_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
