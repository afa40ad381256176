export interface DenialSpike {
  /** Start of the hour (ISO 8601, UTC). */
  start: string;
  deny: number;
  /** The typical (median) denials per hour in the window, for comparison. */
  typical: number;
}

const MIN_SPIKE = 5;
const FACTOR = 3;

/**
 * Hours whose denials jump well above the window's usual level: at least five, and three times the median hour (a
 * median, so one burst does not raise its own bar). Newest first.
 */
export function findDenialSpikes(series: readonly { start: string; deny: number }[]): DenialSpike[] {
  if (series.length === 0) return [];
  const sorted = series.map((s) => s.deny).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const typical = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return series
    .filter((s) => s.deny >= MIN_SPIKE && s.deny >= FACTOR * Math.max(typical, 1))
    .map((s) => ({ start: s.start, deny: s.deny, typical }))
    .reverse();
}
