import { describe, expect, it } from "vitest";
import { findDenialSpikes } from "@/lib/dashboard/find-denial-spikes";

const hours = (denies: number[]) => denies.map((deny, i) => ({ start: `2026-12-06T${String(i).padStart(2, "0")}:00:00.000Z`, deny }));

describe("findDenialSpikes", () => {
  it("finds an hour far above the usual level, newest first", () => {
    expect(findDenialSpikes(hours([1, 2, 1, 30, 2, 1, 9]))).toEqual([
      { start: "2026-12-06T06:00:00.000Z", deny: 9, typical: 2 },
      { start: "2026-12-06T03:00:00.000Z", deny: 30, typical: 2 },
    ]);
  });

  it("ignores a steady level and small numbers", () => {
    expect(findDenialSpikes(hours([20, 22, 25, 21]))).toEqual([]);
    expect(findDenialSpikes(hours([0, 0, 0, 4]))).toEqual([]);
    expect(findDenialSpikes([])).toEqual([]);
  });
});
