import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Connect" };

export default function Page() {
  return <NotYetAvailable area="Connect" />;
}
