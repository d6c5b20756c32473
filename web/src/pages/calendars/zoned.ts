// Wall-clock times in a calendar's own time zone (not the browser's): what a planner types for a
// holiday or a maintenance window, and how the app shows it back.

const PARTS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
};

/** The zone's wall clock at an instant, as "YYYY-MM-DDTHH:mm". */
export function wallClock(at: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { ...PARTS, timeZone: zone }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function asUtc(local: string): number {
  return Date.parse(`${local}:00Z`);
}

/** The instant a wall-clock time ("YYYY-MM-DDTHH:mm") names in `zone`, as ISO 8601 (UTC). A time
 * the clocks skip (spring forward) moves on by the gap; one they repeat (autumn) is the first
 * (as the API counts them). */
export function instantOf(local: string, zone: string): string {
  const wanted = asUtc(local);
  const offsetAt = (at: number) => asUtc(wallClock(new Date(at), zone)) - at;
  const day = 86_400_000;
  const [before, after] = [offsetAt(wanted - day), offsetAt(wanted + day)];
  const candidates = [wanted - before, wanted - after];
  const found = candidates.find((at) => wallClock(new Date(at), zone) === local) ?? candidates[0]!;
  return new Date(found).toISOString();
}

/** "HH:mm" of a time from the API ("08:00:00"). */
export function hhmm(time: string): string {
  return time.slice(0, 5);
}

/** The names of the days of the week, Monday first (the API's 0 ... 6), in the user's language. */
export function weekdays(locale: string): string[] {
  const monday = Date.UTC(2024, 0, 1); // a Monday
  const format = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
  return Array.from({ length: 7 }, (_, day) => format.format(new Date(monday + day * 86_400_000)));
}

/** The zones the browser knows, for choosing a calendar's (UTC among them: some browsers list
 * only the geographic ones). */
export function zones(): string[] {
  const known = Intl.supportedValuesOf("timeZone");
  return known.includes("UTC") ? known : ["UTC", ...known];
}
