-- Call-time governance (DESIGN §11): tools whose calls need a second person, and the held calls awaiting one.
CREATE TABLE "ToolApproval" (
    "toolName" TEXT NOT NULL,
    "approverRoles" TEXT[],
    "expiresInSeconds" INTEGER NOT NULL DEFAULT 900,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ToolApproval_pkey" PRIMARY KEY ("toolName")
);

ALTER TABLE "ToolApproval" ADD CONSTRAINT "ToolApproval_toolName_fkey" FOREIGN KEY ("toolName") REFERENCES "Tool"("name") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "argsSha256" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "policyDigest" TEXT NOT NULL,
    "rolesDigest" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reasonPath" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ApprovalRequest_userId_clientId_toolName_argsSha256_status_idx" ON "ApprovalRequest"("userId", "clientId", "toolName", "argsSha256", "status");
CREATE INDEX "ApprovalRequest_status_requestedAt_idx" ON "ApprovalRequest"("status", "requestedAt");
