import { describe, expect, it } from "vitest";
import { hhmm, instantOf, wallClock, weekdays } from "./zoned";

describe("wall-clock times in a calendar's zone", () => {
  it("reads and names an instant in the zone, not the browser's", () => {
    expect(wallClock(new Date("2026-12-31T21:00:00Z"), "Europe/Moscow")).toBe("2027-01-01T00:00");
    expect(instantOf("2027-01-01T00:00", "Europe/Moscow")).toBe("2026-12-31T21:00:00.000Z");
    expect(instantOf("2026-07-01T09:30", "America/New_York")).toBe("2026-07-01T13:30:00.000Z");
  });

  it("steps over the spring gap and takes the first of the autumn's repeated hour", () => {
    // Berlin: 02:30 on 29 March 2026 does not exist (02:00 -> 03:00).
    expect(instantOf("2026-03-29T02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    // 02:30 on 25 October 2026 happens twice: first at UTC+2.
    expect(instantOf("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
  });

  it("names the weekdays from Monday and shortens the API's times", () => {
    expect(weekdays("en")).toEqual(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]);
    expect(weekdays("ru")[0]).toBe("понедельник");
    expect(hhmm("08:30:00")).toBe("08:30");
  });
});
