import Link from "next/link";
import { notFound } from "next/navigation";
import { ConditionForm, ConditionTrialForm } from "@/components/conditions/condition-editor";
import { Forbidden } from "@/components/console/forbidden";
import { Notice } from "@/components/ui/notice";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { loadConditionEditor } from "@/lib/conditions/load-condition-editor";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string; tool: string }> }) {
  const { name, tool } = await params;
  return { title: `Condition: ${name} → ${decodeURIComponent(tool)}` };
}

const ROLE_NAME = /^[a-z][a-z0-9_.-]{1,62}$/;
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export default async function ToolConditionPage({ params }: { params: Promise<{ name: string; tool: string }> }) {
  const me = await consoleUser();
  if (!me.scopes.has("policy:read")) return <Forbidden message="You need the policy:read scope to see conditions." />;
  const { name } = await params;
  const tool = decodeURIComponent((await params).tool);
  if (!ROLE_NAME.test(name) || !TOOL_NAME.test(tool)) notFound();
  const editor = await loadConditionEditor(name, tool);
  if (!editor) notFound();
  const canWrite = me.scopes.has("policy:write");
  const example = JSON.stringify(Object.fromEntries((editor.fields ?? []).map((f) => [f.name, f.type === "string" ? "" : null])));
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/roles" className="text-brand-700 hover:underline">Roles</Link> <span className="text-slate-400">/</span>{" "}
        <Link href={`/roles/${editor.role}`} className="text-brand-700 hover:underline">{editor.role}</Link> <span className="text-slate-400">/</span>{" "}
        <span className="font-mono">{editor.tool}</span>
      </nav>
      <PageHeader
        title={`${editor.role} → ${editor.tool}`}
        description={`A condition on this role's permission to call ${editor.tool} (which requires ${editor.requiredScope}). A call through this role runs only when it is true; a role inheriting ${editor.role} carries it too. Another role of the caller's that grants the tool without a condition still allows.`}
      />
      {!editor.grantsTool ? (
        <div className="mb-4">
          <Notice tone="warning">{editor.role} does not grant {editor.requiredScope}, so this condition restricts nothing until it does.</Notice>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={editor.condition ? "Condition" : "No condition: the role's permission is unconditional"}>
          <ConditionForm role={editor.role} tool={editor.tool} expression={editor.condition?.expression ?? ""} canWrite={canWrite} />
          {editor.condition ? (
            <p className="mt-3 text-xs text-slate-500">Last changed {editor.condition.updatedAt.toISOString()} by {editor.condition.updatedBy ?? "unknown"}.</p>
          ) : null}
        </Card>
        <Card title="Arguments it may name">
          {editor.fields ? (
            <ul className="space-y-1 text-sm" data-testid="condition-fields">
              {editor.fields.map((f) => (
                <li key={f.name}><code>args.{f.name}</code> <span className="text-xs text-slate-500">{f.type}</span></li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">No input schema is known for this tool: any field may be named, and one the call lacks denies it.</p>
          )}
          <p className="mt-3 text-xs text-slate-500">JSON numbers are CEL doubles: compare them with any number, add doubles (1.0).</p>
        </Card>
      </div>
      <Card title="Try it" className="mt-6">
        {me.scopes.has("audit:read") ? (
          <ConditionTrialForm tool={editor.tool} expression={editor.condition?.expression ?? ""} example={example} />
        ) : (
          <p className="text-sm text-slate-500">Trying a condition replays recorded calls, which needs the audit:read scope.</p>
        )}
      </Card>
    </>
  );
}
