// Moments and money written the way the chosen language writes them (components re-render on a
// change of language, so these follow it).
import i18n from "./i18n";

export function locale(): string {
  return i18n.resolvedLanguage ?? "en";
}

export function when(at: string | null | undefined): string {
  return at ? new Date(at).toLocaleString(locale()) : "—";
}

/** A decimal from the API (a string, exact) in the supplier's currency. */
export function money(value: string | number, currency: string): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(Number(value));
}
