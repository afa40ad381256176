-- The last-admin guard, in the database: no transaction may commit a state with no enabled iam_admin (held directly or
-- through a role that inherits it) when it started with one, whatever code path removes the role, the inheritance
-- link, or the account. Every trigger that may have removed an admin takes one transaction-scoped lock and only then
-- counts: under READ COMMITTED each statement of a volatile function takes a fresh snapshot, so the second of two
-- concurrent removals waits for the first to commit and counts without it — one admin always remains.

-- Roles that make their holder an iam_admin: iam_admin and every role inheriting it (as if `without_role` were gone).
CREATE FUNCTION "portcullis_admin_role_ids"(without_role TEXT DEFAULT NULL) RETURNS TABLE ("id" TEXT) LANGUAGE sql STABLE AS $$
  WITH RECURSIVE admin_roles ("id") AS (
    SELECT "id" FROM "Role" WHERE "name" = 'iam_admin' AND "id" IS DISTINCT FROM without_role
    UNION
    SELECT rp."roleId" FROM "RoleParent" rp JOIN admin_roles a ON rp."parentId" = a."id"
    WHERE rp."roleId" IS DISTINCT FROM without_role
  )
  SELECT "id" FROM admin_roles
$$;

-- Enabled users who are admins, leaving out one user and one role (what a BEFORE DELETE trigger is about to remove).
CREATE FUNCTION "portcullis_enabled_admin_count"(without_user TEXT DEFAULT NULL, without_role TEXT DEFAULT NULL) RETURNS BIGINT LANGUAGE sql STABLE AS $$
  SELECT count(DISTINCT u."id")
  FROM "User" u JOIN "UserRole" ur ON ur."userId" = u."id"
  WHERE u."disabledAt" IS NULL
    AND u."id" IS DISTINCT FROM without_user
    AND ur."roleId" IN (SELECT "id" FROM "portcullis_admin_role_ids"(without_role))
$$;

-- Whether a user holds iam_admin (directly or through inheritance), enabled or not.
CREATE FUNCTION "portcullis_holds_admin"(user_id TEXT) RETURNS BOOLEAN LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM "UserRole" WHERE "userId" = user_id AND "roleId" IN (SELECT "id" FROM "portcullis_admin_role_ids"())
  )
$$;

CREATE FUNCTION "portcullis_guard_last_admin"() RETURNS TRIGGER LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  removes_admin BOOLEAN := FALSE;
  without_user TEXT := NULL;
  without_role TEXT := NULL;
  remaining BIGINT;
BEGIN
  IF TG_TABLE_NAME = 'UserRole' THEN
    -- A deleted or re-pointed role of an enabled user that made them an admin (a cascade from deleting the user is
    -- judged by the User trigger: by now that user is gone).
    removes_admin := OLD."roleId" IN (SELECT "id" FROM "portcullis_admin_role_ids"())
      AND EXISTS (SELECT 1 FROM "User" WHERE "id" = OLD."userId" AND "disabledAt" IS NULL);
  ELSIF TG_TABLE_NAME = 'User' AND TG_OP = 'DELETE' THEN
    removes_admin := OLD."disabledAt" IS NULL AND "portcullis_holds_admin"(OLD."id");
    without_user := OLD."id";
  ELSIF TG_TABLE_NAME = 'User' THEN
    removes_admin := OLD."disabledAt" IS NULL AND NEW."disabledAt" IS NOT NULL AND "portcullis_holds_admin"(NEW."id");
  ELSIF TG_TABLE_NAME = 'RoleParent' THEN
    -- A removed link to iam_admin (or a role inheriting it) that an enabled user held through the child or a role
    -- inheriting the child.
    removes_admin := OLD."parentId" IN (SELECT "id" FROM "portcullis_admin_role_ids"()) AND EXISTS (
      WITH RECURSIVE below ("id") AS (
        SELECT OLD."roleId"
        UNION
        SELECT rp."roleId" FROM "RoleParent" rp JOIN below b ON rp."parentId" = b."id"
      )
      SELECT 1 FROM "UserRole" ur JOIN "User" u ON u."id" = ur."userId"
      WHERE u."disabledAt" IS NULL AND ur."roleId" IN (SELECT "id" FROM below)
    );
  ELSIF TG_TABLE_NAME = 'Role' THEN
    removes_admin := OLD."id" IN (SELECT "id" FROM "portcullis_admin_role_ids"()) AND "portcullis_enabled_admin_count"() > 0;
    without_role := OLD."id";
  END IF;

  IF removes_admin THEN
    PERFORM pg_advisory_xact_lock(7207369004);
    SELECT "portcullis_enabled_admin_count"(without_user, without_role) INTO remaining;
    IF remaining = 0 THEN
      RAISE EXCEPTION 'portcullis_last_admin: this change would leave no enabled iam_admin'
        USING ERRCODE = 'check_violation', HINT = 'Give iam_admin to another enabled user first.';
    END IF;
  END IF;

  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "UserRole_last_admin_guard" AFTER DELETE OR UPDATE ON "UserRole"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_guard_last_admin"();

CREATE TRIGGER "User_disable_last_admin_guard" AFTER UPDATE OF "disabledAt" ON "User"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_guard_last_admin"();

-- BEFORE: the user's roles are still there to say whether they were an admin (the cascade removes them afterwards).
CREATE TRIGGER "User_delete_last_admin_guard" BEFORE DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_guard_last_admin"();

CREATE TRIGGER "RoleParent_last_admin_guard" AFTER DELETE OR UPDATE ON "RoleParent"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_guard_last_admin"();

CREATE TRIGGER "Role_delete_last_admin_guard" BEFORE DELETE ON "Role"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_guard_last_admin"();
