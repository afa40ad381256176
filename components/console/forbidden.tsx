import { Card } from "@/components/ui/page-header";

export function Forbidden({ message }: { message: string }) {
  return (
    <Card>
      <h1 className="text-lg font-semibold text-slate-900">Not allowed</h1>
      <p className="mt-2 text-sm text-slate-600">{message}</p>
      <p className="mt-2 text-sm text-slate-600">Ask an IAM admin for a role that grants it. This attempt was recorded.</p>
    </Card>
  );
}

export function NotYetAvailable({ area, instead }: { area: string; instead?: string }) {
  return (
    <Card>
      <h1 className="text-lg font-semibold text-slate-900">{area}</h1>
      <p className="mt-2 text-sm text-slate-600">This part of the console is not available in this version yet.</p>
      {instead ? <p className="mt-2 text-sm text-slate-600">{instead}</p> : null}
    </Card>
  );
}
