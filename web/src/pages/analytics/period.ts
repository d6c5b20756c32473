import { locale } from "../../format";
import i18n from "../../i18n";

/** The period every figure is over: the last `days` days up to now. */
export type Period = { days: number; query: { since: string; until: string } };

export const PERIODS = [7, 30, 90, 365] as const;

export function lastDays(days: number, now: Date = new Date()): Period {
  const until = new Date(Math.floor(now.getTime() / 60_000) * 60_000); // a minute: cacheable
  const since = new Date(until.getTime() - days * 86_400_000);
  return { days, query: { since: since.toISOString(), until: until.toISOString() } };
}

/** A share (0..1) as a percentage; "—" for no figure. */
export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits }).format(value);
}

/** A number with at most `digits` decimals; "—" for no figure. */
export function num(value: number | string | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(Number(value));
}

/** Seconds as hours (the unit stage times are planned in), in the language's own words. */
export function hours(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "—" : i18n.t("analytics.hours", { value: num(seconds / 3600, 1) });
}

/** An amount of money: always two decimals (the items' values are in their own currencies). */
export function amount(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(value));
}

/** A day as the language writes it (07.12.2026, 12/7/2026, ...). */
export function day(iso: string): string {
  return new Date(iso).toLocaleDateString(locale());
}

type DayCount = { day: string; orders: number; units: number };

/** Every day from `since` to `until` (ISO dates), those without shipments at zero: a chart of
 * days shows the quiet ones too. */
export function everyDay(rows: DayCount[], since: string, until: string): DayCount[] {
  const known = new Map(rows.map((row) => [row.day, row]));
  const days: DayCount[] = [];
  for (let at = new Date(`${since}T00:00:00Z`); at <= new Date(`${until}T00:00:00Z`); ) {
    const day = at.toISOString().slice(0, 10);
    days.push(known.get(day) ?? { day, orders: 0, units: 0 });
    at = new Date(at.getTime() + 86_400_000);
  }
  return days;
}
