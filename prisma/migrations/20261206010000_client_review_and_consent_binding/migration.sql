-- What a client's approval covered (null: its current redirect URIs, grant types and auth method).
ALTER TABLE "Client" ADD COLUMN "approvedMetadata" JSONB;

-- Remembered consent is bound to the redirect URI it was given for. Rows from before carry none and are asked again.
ALTER TABLE "Consent" ADD COLUMN "redirectUri" TEXT;
