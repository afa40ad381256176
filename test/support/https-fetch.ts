import { request, globalAgent } from "node:https";

/**
 * fetch() for the HTTPS stand-ins: Node's global fetch does not use the https agent where the tests trust the
 * stand-in's certificate, so this speaks through node:https (and so through that agent).
 */
export async function httpsFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const req = new Request(input, init);
  const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
  return new Promise<Response>((resolve, reject) => {
    const outgoing = request(req.url, { method: req.method, headers: Object.fromEntries(req.headers), agent: globalAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
      });
      res.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
