import { LoadingState } from "@/components/ui/page-state";

export default function Loading() {
  return <LoadingState label="clients" />;
}
