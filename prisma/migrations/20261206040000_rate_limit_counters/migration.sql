-- Shared rate-limit counters: one row per limit, key (an address bucket, an account, a document) and window. Every
-- instance counts here, atomically (INSERT … ON CONFLICT DO UPDATE … RETURNING), before the work it guards.
CREATE TABLE "RateLimitCounter" (
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "limit" INTEGER NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "summarize" BOOLEAN NOT NULL DEFAULT false,
    "summarizedAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RateLimitCounter_pkey" PRIMARY KEY ("name", "key", "windowStart")
);

CREATE INDEX "RateLimitCounter_expiresAt_idx" ON "RateLimitCounter"("expiresAt");

-- Expired refresh tokens are swept by expiry, like the other artefacts.
CREATE INDEX "RefreshToken_expiresAt_idx" ON "RefreshToken"("expiresAt");
