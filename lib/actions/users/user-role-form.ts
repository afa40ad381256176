import { z } from "zod";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";

const userRoleForm = z.object({ userId: z.uuid("unknown user"), role: z.string().min(1, "choose a role") });

/** The user and role named by the role assign/remove forms. */
export function userRoleFromForm(form: FormData): z.infer<typeof userRoleForm> {
  const parsed = userRoleForm.safeParse({ userId: formString(form, "userId"), role: formString(form, "role") });
  if (!parsed.success) throw new AppError("invalid_input", parsed.error.issues[0].message);
  return parsed.data;
}
