-- Access-review campaigns and their items (one per grant under review), and the moment a review last narrowed a
-- grant's scopes (the MCP endpoint cuts live tokens down to them from the next call).
ALTER TABLE "Grant" ADD COLUMN "scopesNarrowedAt" TIMESTAMP(3);

CREATE TABLE "ReviewCampaign" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "undecided" TEXT NOT NULL,
    "coverage" JSONB NOT NULL DEFAULT '{}',
    "reviewerUserIds" TEXT[],
    "reviewerRoles" TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMPTZ(3),
    "closedBy" TEXT,

    CONSTRAINT "ReviewCampaign_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ReviewCampaign_status_check" CHECK ("status" IN ('open', 'closed')),
    CONSTRAINT "ReviewCampaign_undecided_check" CHECK ("undecided" IN ('keep', 'revoke'))
);
CREATE INDEX "ReviewCampaign_status_dueAt_idx" ON "ReviewCampaign"("status", "dueAt");

CREATE TABLE "ReviewItem" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "grantId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "scopes" TEXT[],
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "decision" TEXT,
    "decidedScopes" TEXT[],
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "note" TEXT,

    CONSTRAINT "ReviewItem_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ReviewItem_decision_check" CHECK ("decision" IS NULL OR "decision" IN ('keep', 'downscope', 'revoke')),
    CONSTRAINT "ReviewItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ReviewCampaign"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ReviewItem_campaignId_grantId_key" ON "ReviewItem"("campaignId", "grantId");
CREATE INDEX "ReviewItem_campaignId_decision_idx" ON "ReviewItem"("campaignId", "decision");

-- The reviews:write scope, for installations seeded before it existed: iam_admin holds every built-in scope, and
-- access reviewers may now run campaigns.
INSERT INTO "Scope" ("name", "description", "builtin", "createdAt")
VALUES ('reviews:write', 'Run access-review campaigns and decide their items', true, CURRENT_TIMESTAMP)
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "RoleScope" ("roleId", "scopeName")
SELECT "id", 'reviews:write' FROM "Role" WHERE "name" IN ('iam_admin', 'access_reviewer')
ON CONFLICT DO NOTHING;
