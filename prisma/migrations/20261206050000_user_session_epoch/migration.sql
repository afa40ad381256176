-- Console sessions carry the session epoch of their user at sign-in. Raising it (sign-out, password change,
-- disabling) ends every session of that user at once.
ALTER TABLE "User" ADD COLUMN "sessionEpoch" INTEGER NOT NULL DEFAULT 0;
