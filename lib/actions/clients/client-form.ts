import { revalidatePath } from "next/cache";
import { z } from "zod";
import { clientHref } from "@/lib/clients/client-path";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";

const clientId = z.string().min(1, "unknown client").max(2000, "unknown client");

/** The client a decision form names. */
export function clientIdFromForm(form: FormData): string {
  const parsed = clientId.safeParse(formString(form, "clientId"));
  if (!parsed.success) throw new AppError("invalid_input", "unknown client");
  return parsed.data;
}

/** The client list, the dashboard's counts and the changed client's page show the change on their next render. */
export function refreshClientPages(id?: string): void {
  revalidatePath("/clients");
  revalidatePath("/");
  if (id) revalidatePath(clientHref(id));
}
