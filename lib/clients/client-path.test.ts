import { describe, expect, it } from "vitest";
import { clientHref, clientIdFromPathSegment, clientPathSegment } from "@/lib/clients/client-path";

describe("client ids in console paths", () => {
  it("keeps plain ids readable", () => {
    expect(clientPathSegment("pcl_AbC-12_x.y")).toBe("pcl_AbC-12_x.y");
    expect(clientIdFromPathSegment("pcl_AbC-12_x.y")).toBe("pcl_AbC-12_x.y");
    expect(clientHref("client_01H")).toBe("/clients/client_01H");
  });

  it("round-trips metadata-document URLs as one safe segment", () => {
    const id = "https://tools.example.com/mcp/client.json?v=2";
    const segment = clientPathSegment(id);
    expect(segment).toMatch(/^~[A-Za-z0-9_-]+$/);
    expect(clientIdFromPathSegment(segment)).toBe(id);
  });

  it("refuses segments that are not the one canonical spelling of an id", () => {
    expect(clientIdFromPathSegment("~")).toBeNull();
    expect(clientIdFromPathSegment("~not base64")).toBeNull();
    // An encoded plain id: the plain spelling is its only URL.
    expect(clientIdFromPathSegment(`~${Buffer.from("pcl_x").toString("base64url")}`)).toBeNull();
    expect(clientIdFromPathSegment("a/b")).toBeNull();
    expect(clientIdFromPathSegment("")).toBeNull();
  });
});
