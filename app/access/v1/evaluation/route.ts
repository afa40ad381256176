import { handleAccessRequest } from "@/lib/authzen/handle-access-request";

// Every answer depends on the caller's token and the current policy.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return handleAccessRequest(request, "evaluation");
}
