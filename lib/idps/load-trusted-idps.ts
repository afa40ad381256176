import { listTrustedIdps, type TrustedIdpView } from "@/lib/idps/list-trusted-idps";

/** The settings page's list of trusted enterprise identity providers. */
export async function loadTrustedIdps(): Promise<TrustedIdpView[]> {
  return listTrustedIdps();
}
