// What each role is offered: a screen appears only for someone who may act on it.
import type { Action } from "./api/client";

export type NavEntry = { to: string; label: string; needs: Action[] };

export const NAV: NavEntry[] = [
  { to: "/board", label: "nav.board", needs: ["read"] },
  { to: "/station", label: "nav.station", needs: ["stage:design", "stage:production", "stage:qc"] },
  { to: "/stock", label: "nav.stock", needs: ["stock:move", "catalogue:manage"] },
  { to: "/purchasing", label: "nav.purchasing", needs: ["purchasing:manage", "purchasing:receive"] },
  { to: "/analytics", label: "nav.analytics", needs: ["read"] },
  { to: "/calendars", label: "nav.calendars", needs: ["floor:manage"] },
  { to: "/users", label: "nav.users", needs: ["users:manage"] },
];

export function allowed(actions: readonly Action[]): NavEntry[] {
  return NAV.filter((entry) => entry.needs.some((action) => actions.includes(action)));
}

/** Where a user starts: the first screen of their work. */
export function home(actions: readonly Action[]): string {
  if (actions.includes("orders:manage")) return "/board";
  if (actions.includes("stage:production") || actions.includes("stage:qc")) return "/station";
  if (actions.includes("purchasing:manage")) return "/purchasing";
  if (actions.includes("stock:move")) return "/stock";
  return "/board";
}
