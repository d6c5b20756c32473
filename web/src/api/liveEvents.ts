// Live changes from /api/events (server-sent events, read with fetch so the bearer token goes
// in a header): each change makes the queries that show it fetch again. The stream is opened
// again by itself — at once when the server ends it on schedule, after a second when it was
// lost (an API restart, the network) — and then everything shown is fetched again.
//
// One stream per browser, not per tab (a browser opens at most six connections to a server
// over HTTP/1.1, and each open tab would hold one): the tab holding the Web Lock reads it and
// passes what it hears to the others on a BroadcastChannel; when that tab closes, another takes
// the lock and the stream over. Where the browser has no Web Locks (a page served over plain
// HTTP from another machine is not a secure context), each tab reads its own.
import type { QueryClient } from "@tanstack/react-query";
import { currentAccessToken, refreshTokens } from "../auth/tokens";

export type Change = { kind: "order" | "purchase_order" | "notification"; id: string };
export type Frame = { event: string; data: unknown };

/** Splits a text/event-stream into frames; returns what is left of an unfinished frame. */
export function parseFrames(buffer: string, emit: (frame: Frame) => void): string {
  const blocks = buffer.split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length) emit({ event, data: JSON.parse(data.join("\n")) });
  }
  return rest;
}

const SHOWN_BY_KIND: Record<Change["kind"], string[]> = {
  order: ["orders", "order", "queue", "inspections"],
  purchase_order: ["purchase-orders", "purchase-order"],
  notification: ["notifications"], // the stream tells each user of their own only
};
const COALESCE_MS = 200;
const pending = new Set<Change["kind"]>();
let flush: ReturnType<typeof setTimeout> | null = null;

/** What shows a changed order or purchase order is fetched again — once for a burst of
 * changes (a delivery that lets 50 orders go on), and without cutting a fetch under way. */
export function applyChange(queries: QueryClient, change: Change): void {
  pending.add(change.kind);
  flush ??= setTimeout(() => {
    flush = null;
    const kinds = [...pending];
    pending.clear();
    for (const kind of kinds) {
      for (const key of SHOWN_BY_KIND[kind] ?? []) {
        void queries.invalidateQueries({ queryKey: [key] }, { cancelRefetch: false });
      }
    }
  }, COALESCE_MS);
}

type Heard = { type: "change"; change: Change } | { type: "live"; live: boolean; caughtUp: boolean };
type Said = Heard | { type: "hello" };
const SHARED = "zhuchka.events";

/** Follows the changes until `signal` aborts, sharing one stream among the browser's tabs;
 * `onLive` tells whether the stream is connected. */
export function shareChanges(queries: QueryClient, signal: AbortSignal, onLive: (live: boolean) => void): void {
  if (!("locks" in navigator && navigator.locks) || typeof BroadcastChannel === "undefined") {
    void followChanges(queries, signal, onLive);
    return;
  }
  const channel = new BroadcastChannel(SHARED);
  let leading = false;
  let live = false;
  let followed = false;
  const tell = (said: Said) => channel.postMessage(said);
  channel.onmessage = ({ data }: MessageEvent<Said>) => {
    if (data.type === "hello") {
      if (leading) tell({ type: "live", live, caughtUp: false });
      return;
    }
    followed = true;
    if (data.type === "change") applyChange(queries, data.change);
    else {
      onLive(data.live);
      if (data.caughtUp) void queries.invalidateQueries();
    }
  };
  signal.addEventListener("abort", () => channel.close());
  tell({ type: "hello" });
  const lead = async () => {
    leading = true;
    try {
      await followChanges(
        queries,
        signal,
        (now, caughtUp) => {
          live = now;
          onLive(now);
          tell({ type: "live", live: now, caughtUp });
        },
        (change) => tell({ type: "change", change }),
        followed, // the stream was another tab's until now: what it missed is fetched again
      );
    } finally {
      // The stream ended here (the session ended, or the tab is closing): say so, and let
      // another tab (or this one, later) take the lock.
      leading = false;
      live = false;
      if (!signal.aborted) {
        onLive(false);
        tell({ type: "live", live: false, caughtUp: false });
      }
    }
  };
  void (async () => {
    while (!signal.aborted) {
      try {
        await navigator.locks.request(SHARED, { signal }, lead);
      } catch {
        return; // aborted while waiting for the lock
      }
      followed = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
}

/** Follows the stream until `signal` aborts; `onLive` tells whether it is connected (and
 * whether everything was just fetched again), `onChange` hears each change. */
export async function followChanges(
  queries: QueryClient,
  signal: AbortSignal,
  onLive: (live: boolean, caughtUp: boolean) => void,
  onChange: (change: Change) => void = () => undefined,
  resumed = false,
): Promise<void> {
  let first = !resumed;
  while (!signal.aborted) {
    let planned = false;
    try {
      const token = currentAccessToken() ?? "";
      const response = await fetch("/api/events", {
        headers: { Authorization: `Bearer ${token}` },
        signal,
      });
      if (response.status === 401) {
        const renewed = await refreshTokens(token);
        if (!renewed) return; // the session has ended
        if (renewed.access_token === token) await new Promise((resolve) => setTimeout(resolve, 1000)); // an outage
        continue;
      }
      if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseFrames(buffer + value, ({ event, data }) => {
          if (event === "ready") {
            // Whatever committed between two streams was heard by neither: fetch again.
            if (!first) void queries.invalidateQueries();
            onLive(true, !first);
            first = false;
          } else if (event === "change") {
            applyChange(queries, data as Change);
            onChange(data as Change);
          } else if (event === "again") planned = true;
        });
      }
    } catch (error) {
      if (signal.aborted) return;
      console.debug("live events lost", error);
    }
    if (!planned) {
      onLive(false, false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
