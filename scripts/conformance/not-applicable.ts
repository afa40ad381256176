/**
 * What of the MCP conformance suite cannot apply to Portcullis, and why. Portcullis's `/mcp` is a governance server:
 * its tools are its own (whoami, list_clients, query_audit, …), it offers no resources, prompts, completions or
 * logging, and its tools never ask the client for input. Scenarios that call the suite's own fixture tools
 * (`test_simple_text`, `slow_compute`, …) or read its fixture resources and prompts can only fail here; everything
 * else must pass, every check of it. An entry names a whole scenario, or one check of a scenario whose other checks
 * still count. An entry that starts to pass fails the run, so this list stays true.
 */
export interface NotApplicable {
  /** The requirement sets it applies to. */
  revisions: readonly Revision[];
  scenario: string;
  /** One check of the scenario; absent: the whole scenario. */
  check?: string;
  reason: string;
}

export type Revision = "2026-07-28" | "2025-11-25";

const BOTH: readonly Revision[] = ["2026-07-28", "2025-11-25"];
const MODERN: readonly Revision[] = ["2026-07-28"];
const LEGACY: readonly Revision[] = ["2025-11-25"];

const FIXTURE_TOOL = "calls one of the suite's fixture tools, which a governance server does not have";
const NO_RESOURCES = "reads the suite's fixture resources; Portcullis offers no resources and declares no resources capability, so the method is answered -32601";
const NO_PROMPTS = "gets the suite's fixture prompts; Portcullis offers no prompts and declares no prompts capability, so the method is answered -32601";
const NO_INPUT = "calls the suite's fixture tools that ask the client for input (elicitation, sampling, roots); no Portcullis tool asks the client for anything";
const NO_TASKS = "the tasks extension (io.modelcontextprotocol/tasks) is not offered, and its scenarios drive the suite's fixture tools; an extension, not scored by the requirement set";

export const NOT_APPLICABLE: NotApplicable[] = [
  ...[
    ["simple-text", "test_simple_text"],
    ["image", "test_image_content"],
    ["audio", "test_audio_content"],
    ["embedded-resource", "test_embedded_resource"],
    ["mixed-content", "test_multiple_content_types"],
    ["error", "test_error_handling"],
    ["with-progress", "test_tool_with_progress"],
  ].map(([kind, tool]) => ({
    revisions: BOTH,
    scenario: `tools-call-${kind}`,
    reason: `${FIXTURE_TOOL} (${tool}); Portcullis's own tools are called end to end by the SDK clients in lib/mcp/*.test.ts`,
  })),
  ...[
    ["with-logging", "test_tool_with_logging"],
    ["sampling", "test_sampling"],
    ["elicitation", "test_elicitation"],
  ].map(([kind, tool]) => ({ revisions: LEGACY, scenario: `tools-call-${kind}`, reason: `${FIXTURE_TOOL} (${tool})` })),
  { revisions: LEGACY, scenario: "elicitation-sep1034-defaults", reason: `${FIXTURE_TOOL} (test_elicitation_sep1034_defaults)` },
  { revisions: LEGACY, scenario: "elicitation-sep1330-enums", reason: `${FIXTURE_TOOL} (test_elicitation_sep1330_enums)` },
  { revisions: LEGACY, scenario: "logging-set-level", reason: "Portcullis declares no logging capability (its tools send no log messages), so logging/setLevel is answered -32601" },
  {
    revisions: BOTH,
    scenario: "completion-complete",
    reason: "Portcullis has no prompts or resource templates to complete and declares no completions capability, so completion/complete is answered -32601",
  },
  ...["resources-list", "resources-read-text", "resources-read-binary", "resources-templates-read"].map((scenario) => ({ revisions: BOTH, scenario, reason: NO_RESOURCES })),
  ...["resources-subscribe", "resources-unsubscribe"].map((scenario) => ({ revisions: LEGACY, scenario, reason: NO_RESOURCES })),
  ...["prompts-list", "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource", "prompts-get-with-image"].map((scenario) => ({ revisions: BOTH, scenario, reason: NO_PROMPTS })),
  ...[
    "basic-elicitation",
    "basic-sampling",
    "basic-list-roots",
    "request-state",
    "multiple-input-requests",
    "multi-round",
    "result-type",
    "tampered-state",
    "capability-check",
  ].map((kind) => ({ revisions: MODERN, scenario: `input-required-result-${kind}`, reason: NO_INPUT })),
  {
    revisions: MODERN,
    scenario: "input-required-result-non-tool-request",
    reason: "asks for input from a fixture prompt; Portcullis offers no prompts (-32601) and nothing it serves asks the client for input",
  },
  { revisions: BOTH, scenario: "json-schema-2020-12", reason: `${FIXTURE_TOOL} (json_schema_2020_12_tool); pending in the suite, not scored` },
  {
    revisions: MODERN,
    scenario: "http-custom-header-server-validation",
    reason: "needs a tool with x-mcp-header parameters; no Portcullis tool mirrors an argument into a header (pending in the suite, not scored)",
  },
  ...[
    "tasks-capability-negotiation",
    "tasks-dispatch-and-envelope",
    "tasks-lifecycle",
    "tasks-mrtr-composition",
    "tasks-mrtr-input",
    "tasks-request-headers",
    "tasks-request-state-removal",
    "tasks-required-task-error",
    "tasks-wire-fields",
  ].map((scenario) => ({ revisions: MODERN, scenario, reason: NO_TASKS })),
  // One check each of scenarios that otherwise apply and must pass.
  ...[
    ["sep-2549-prompts-list-caching-hints", "prompts/list"],
    ["sep-2549-resources-list-caching-hints", "resources/list"],
    ["sep-2549-resources-templates-list-caching-hints", "resources/templates/list"],
  ].map(([check, method]) => ({
    revisions: MODERN,
    scenario: "caching",
    check,
    reason: `caching hints on ${method}: Portcullis offers no prompts or resources (-32601); tools/list and server/discover carry their hints and pass`,
  })),
  ...[
    ["sep-2575-server-rejects-undeclared-capability", "test_missing_capability"],
    ["sep-2575-missing-capability-http-400", "test_missing_capability"],
    ["sep-2575-http-server-no-independent-requests-on-stream", "test_streaming_elicitation"],
    ["sep-2575-server-no-log-without-loglevel", "test_logging_tool"],
  ].map(([check, tool]) => ({
    revisions: MODERN,
    scenario: "server-stateless",
    check,
    reason: `needs the suite's diagnostic tool ${tool}; no Portcullis tool needs a client capability, streams requests or logs`,
  })),
];

export function notApplicableReason(revision: string, scenario: string, check?: string): string | undefined {
  return NOT_APPLICABLE.find((n) => n.revisions.includes(revision as Revision) && n.scenario === scenario && n.check === check)?.reason;
}
