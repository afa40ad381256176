-- An administrator's password reset sets a temporary password and this flag: the console then offers nothing but a
-- password change until the user has chosen their own.
ALTER TABLE "User" ADD COLUMN "mustChangePassword" BOOLEAN NOT NULL DEFAULT false;
