import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Audit log" };

export default function Page() {
  return <NotYetAvailable area="Audit log" instead="Until then, verify the chain with: npm run portcullis -- audit verify" />;
}
