import { db } from "@/lib/db/client";

export interface FoundUser {
  id: string;
  email: string;
  name: string;
  kind: "human" | "service";
  disabled: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user by email (case-insensitive) or id, or null. */
export async function findUser(emailOrId: string): Promise<FoundUser | null> {
  const value = emailOrId.trim();
  if (!value || value.length > 320) return null;
  const user = await db().user.findFirst({
    where: UUID.test(value) ? { id: value.toLowerCase() } : { email: value.toLowerCase() },
    select: { id: true, email: true, name: true, kind: true, disabledAt: true },
  });
  return user ? { id: user.id, email: user.email, name: user.name, kind: user.kind, disabled: user.disabledAt !== null } : null;
}
