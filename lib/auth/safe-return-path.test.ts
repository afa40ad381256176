import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/auth/safe-return-path";

describe("return path after sign-in", () => {
  it("keeps same-site paths with their query", () => {
    const authorize = "/oauth/authorize?response_type=code&client_id=pcl_x&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcb&state=a%20b";
    expect(safeReturnPath(authorize)).toBe(authorize);
    expect(safeReturnPath("/users/1")).toBe("/users/1");
  });

  it.each(["//evil.example/x", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example/", "evil", "", undefined, 42])(
    "sends %j home instead",
    (value) => {
      expect(safeReturnPath(value)).toBe("/");
    },
  );
});
