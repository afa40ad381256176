/** Why a delivery to a sink failed. The message is safe to show an admin (no secrets, no stack). */
export class SinkDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SinkDeliveryError";
  }
}

/** A delivery error's message for the console and the sink's health row, whatever was thrown. */
export function deliveryErrorMessage(error: unknown): string {
  const message =
    error instanceof SinkDeliveryError
      ? error.message
      : `${(error as NodeJS.ErrnoException)?.code ?? "error"}: ${(error as Error)?.message ?? String(error)}`;
  return message.slice(0, 500);
}
