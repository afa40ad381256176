import type { SinkTransport } from "@/lib/sinks/opened-sink";
import type { SinkKind } from "@/lib/sinks/sink-input";
import { deliverOtlp } from "@/lib/sinks/transports/deliver-otlp";
import { deliverSyslog } from "@/lib/sinks/transports/deliver-syslog";
import { deliverWebhook } from "@/lib/sinks/transports/deliver-webhook";

/** One transport per kind of sink. */
export const SINK_TRANSPORTS: Record<SinkKind, SinkTransport> = {
  webhook: deliverWebhook,
  syslog: deliverSyslog,
  otlp: deliverOtlp,
};
