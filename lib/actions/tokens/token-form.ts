import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";

/** The grant, token or user a revoke form names: a UUID, or an `unknown <what>` refusal. */
export function uuidFromForm(form: FormData, name: string, what: string): string {
  const parsed = z.uuid().safeParse(formString(form, name));
  if (!parsed.success) throw new AppError("invalid_input", `unknown ${what}`);
  return parsed.data;
}

/** The token list, the dashboard's counts and the user's page show a revocation on their next render. */
export function refreshTokenPages(userId?: string): void {
  revalidatePath("/tokens");
  revalidatePath("/");
  if (userId) revalidatePath(`/users/${userId}`);
}
