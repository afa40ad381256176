import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Settings" };

export default function Page() {
  return <NotYetAvailable area="Settings" />;
}
