import type { AuditEventRecordView } from "@/lib/audit/audit-rows";

// RFC 5424 §6.3.2: an SD-ID with an @ names a private enterprise; 32473 is the number reserved for documentation
// (RFC 5612), used until Portcullis has its own.
const SD_ID = "portcullis@32473";
// RFC 5424 §6.2.1 severities.
const INFORMATIONAL = 6;
const NOTICE = 5;
const WARNING = 4;

/** PRINTUSASCII only, at most `max` characters, "-" when empty (RFC 5424 §6: NILVALUE). */
function header(value: string | null | undefined, max: number): string {
  const printable = (value ?? "").replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return printable || "-";
}

/** RFC 5424 §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
function paramValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

function severity(event: AuditEventRecordView): number {
  if (event.kind === "sink.lagging" || event.kind === "token.reuse_detected") return WARNING;
  return event.decision === "deny" ? NOTICE : INFORMATIONAL;
}

/**
 * One audit event as an RFC 5424 message: MSGID is the event kind, the structured data carries seq and hash (what a
 * receiver de-duplicates on), and MSG is the event as JSON in UTF-8 with a BOM (§6.4).
 */
export function formatSyslogMessage(event: AuditEventRecordView, options: { facility: number; hostname: string }): string {
  const pri = options.facility * 8 + severity(event);
  const sd = `[${SD_ID} seq="${paramValue(event.seq)}" hash="${paramValue(event.hash)}" prevHash="${paramValue(event.prevHash)}"]`;
  return `<${pri}>1 ${event.at} ${header(options.hostname, 255)} portcullis - ${header(event.kind, 32)} ${sd} \uFEFF${JSON.stringify(event)}`;
}

/** RFC 6587 §3.4.1 octet counting: the message's length in bytes, a space, the message. */
export function frameSyslogMessage(message: string): Buffer {
  const bytes = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${bytes.length} `, "ascii"), bytes]);
}
