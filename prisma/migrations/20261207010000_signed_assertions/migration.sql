-- Signed assertions already used (private_key_jwt client assertions, ID-JAGs), keyed by a hash of issuer and jti:
-- single use across every instance, swept after expiry.
CREATE TABLE "UsedAssertion" (
    "key" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsedAssertion_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "UsedAssertion_expiresAt_idx" ON "UsedAssertion"("expiresAt");

-- Enterprise identity providers trusted for enterprise-managed authorization (ID-JAG), and the local users their
-- subjects are linked to.
CREATE TABLE "TrustedIdp" (
    "id" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "jwksUri" TEXT NOT NULL,
    "subjectMapping" TEXT NOT NULL,
    "allowedEmailDomains" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "TrustedIdp_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "TrustedIdp_issuer_key" ON "TrustedIdp"("issuer");

CREATE TABLE "IdpAccountLink" (
    "idpId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdpAccountLink_pkey" PRIMARY KEY ("idpId", "subject")
);

CREATE INDEX "IdpAccountLink_userId_idx" ON "IdpAccountLink"("userId");

ALTER TABLE "IdpAccountLink" ADD CONSTRAINT "IdpAccountLink_idpId_fkey" FOREIGN KEY ("idpId") REFERENCES "TrustedIdp"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IdpAccountLink" ADD CONSTRAINT "IdpAccountLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
