import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";

// Every answer depends on the caller's token and the current policy; nothing here may be prerendered or cached.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = handleMcpRequest;
export const GET = handleMcpRequest;
export const DELETE = handleMcpRequest;
export const OPTIONS = handleMcpRequest;
