import { describe, expect, it } from "vitest";
import { everyDay, lastDays } from "./period";

describe("the analytics period", () => {
  it("is the last days up to the minute", () => {
    const period = lastDays(7, new Date("2026-12-07T10:15:42Z"));
    expect(period.query).toEqual({ since: "2026-11-30T10:15:00.000Z", until: "2026-12-07T10:15:00.000Z" });
  });

  it("shows the days without shipments at zero", () => {
    const days = everyDay([{ day: "2026-12-02", orders: 3, units: 4 }], "2026-12-01", "2026-12-03");
    expect(days).toEqual([
      { day: "2026-12-01", orders: 0, units: 0 },
      { day: "2026-12-02", orders: 3, units: 4 },
      { day: "2026-12-03", orders: 0, units: 0 },
    ]);
  });
});
