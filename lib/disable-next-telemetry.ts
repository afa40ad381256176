/**
 * A self-hosted IAM product does not phone home: Next.js's anonymous telemetry (https://nextjs.org/telemetry) is off in
 * every Next.js process Portcullis starts — the build, the production server and `npm run dev`. Next reads the
 * variable when it creates its telemetry recorder, so it is set before `next build` is spawned and before the server
 * creates the Next app.
 */
export const NEXT_TELEMETRY_OFF = { NEXT_TELEMETRY_DISABLED: "1" } as const;

export function disableNextTelemetry(): void {
  Object.assign(process.env, NEXT_TELEMETRY_OFF);
}
