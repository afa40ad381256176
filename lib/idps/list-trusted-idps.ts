import { db } from "@/lib/db/client";

export interface TrustedIdpView {
  id: string;
  issuer: string;
  name: string;
  jwksUri: string;
  subjectMapping: string;
  allowedEmailDomains: string[];
  linkedAccounts: number;
  createdAt: Date;
  createdBy: string | null;
}

/** The trusted enterprise identity providers, oldest first, with how many accounts each has linked. */
export async function listTrustedIdps(): Promise<TrustedIdpView[]> {
  const rows = await db().trustedIdp.findMany({ orderBy: { createdAt: "asc" }, include: { _count: { select: { links: true } } } });
  return rows.map(({ _count, ...idp }) => ({ ...idp, linkedAccounts: _count.links }));
}
