export { addressBucket } from "@/lib/rate-limit/address-bucket";
export { hitRateLimit, refundRateLimit, resetRateLimit, type LimitHit, type LimitRule } from "@/lib/rate-limit/hit-rate-limit";
export { LIMITS, mcpRefusalsRecorded, metadataDocumentFetches, registrationsPerAddress } from "@/lib/rate-limit/limits";
export { summarizeThrottles } from "@/lib/rate-limit/summarize-throttles";
