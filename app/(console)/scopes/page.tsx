import { NotYetAvailable } from "@/components/console/forbidden";

export const metadata = { title: "Scopes & tools" };

export default function Page() {
  return <NotYetAvailable area="Scopes & tools" />;
}
