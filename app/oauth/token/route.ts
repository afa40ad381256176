import { corsPreflight } from "@/lib/oauth/http/cors";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";

export const dynamic = "force-dynamic";

export const POST = handleTokenRequest;

export const OPTIONS = () => corsPreflight("POST, OPTIONS");
