import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Clients" };

export default function Page() {
  return <NotYetAvailable area="Clients" instead="Until then, review and approve clients with: npm run portcullis -- clients list" />;
}
