import { CLIENT_IP_HEADER } from "@/lib/http/client-address";

/** Builders for requests in integration tests: what an HTTP client would send to the endpoints. */
const BASE = "http://localhost:3999";

export function jsonRequest(path: string, body: unknown, init: { ip?: string; headers?: Record<string, string> } = {}): Request {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", [CLIENT_IP_HEADER]: init.ip ?? "192.0.2.10", ...init.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function formRequest(
  path: string,
  params: Record<string, string> | URLSearchParams | string,
  init: { ip?: string; headers?: Record<string, string>; basic?: [string, string] } = {},
): Request {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    [CLIENT_IP_HEADER]: init.ip ?? "192.0.2.10",
    ...init.headers,
  };
  if (init.basic) {
    // RFC 6749 §2.3.1: each part form-urlencoded before Basic encoding.
    const [id, secret] = init.basic.map((v) => encodeURIComponent(v));
    headers.Authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  }
  const body = typeof params === "string" ? params : new URLSearchParams(params).toString();
  return new Request(`${BASE}${path}`, { method: "POST", headers, body });
}

export async function readJson(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}
