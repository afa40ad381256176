import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Roles" };

export default function Page() {
  return <NotYetAvailable area="Roles" instead="Until then, list roles with: npm run portcullis -- roles list" />;
}
