import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Tokens & grants" };

export default function Page() {
  return <NotYetAvailable area="Tokens & grants" />;
}
