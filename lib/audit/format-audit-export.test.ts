import { describe, expect, it } from "vitest";
import type { AuditEventRecordView } from "@/lib/audit/audit-rows";
import { csvField, csvHeader, csvRow, jsonLine } from "@/lib/audit/format-audit-export";

const event: AuditEventRecordView = {
  seq: "7",
  at: "2026-11-21T10:00:00.123Z",
  kind: "client.registered",
  actor: "anonymous",
  subject: null,
  clientId: "c-1",
  tool: null,
  scopes: ["clients:read", "audit:read"],
  decision: null,
  reason: 'registered "Evil, Inc."',
  requestId: "r1",
  ip: "203.0.113.9",
  detail: { name: "=HYPERLINK(\"http://x\")", lines: "a\nb" },
  prevHash: "0".repeat(64),
  hash: "f".repeat(64),
};

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["a=b", "a=b"],
    [null, ""],
  ])("%j → %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe("csvRow", () => {
  it("writes every column in header order, CRLF-terminated", () => {
    expect(csvHeader()).toBe("seq,at,kind,actor,subject,client_id,tool,scopes,decision,reason,request_id,ip,detail,prev_hash,hash\r\n");
    const row = csvRow(event);
    expect(row.endsWith("\r\n")).toBe(true);
    expect(row).toContain(`7,2026-11-21T10:00:00.123Z,client.registered,anonymous,,c-1,,clients:read audit:read,,"registered ""Evil, Inc.""",r1,203.0.113.9,`);
    expect(row).toContain(`"{""name"":""=HYPERLINK(\\""http://x\\"")"",""lines"":""a\\nb""}"`);
  });
});

describe("jsonLine", () => {
  it("is one line of JSON that parses back to the event", () => {
    const line = jsonLine(event);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line)).toEqual(event);
  });
});
