// Live changes from /api/events (server-sent events, read with fetch so the bearer token goes
// in a header): each change makes the queries that show it fetch again. The stream is opened
// again by itself — at once when the server ends it on schedule, after a second when it was
// lost (an API restart, the network) — and then everything shown is fetched again.
import type { QueryClient } from "@tanstack/react-query";
import { currentAccessToken, refreshTokens } from "../auth/tokens";

export type Change = { kind: "order" | "purchase_order"; id: string };
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

/** Follows the stream until `signal` aborts; `onLive` tells whether it is connected. */
export async function followChanges(
  queries: QueryClient,
  signal: AbortSignal,
  onLive: (live: boolean) => void,
): Promise<void> {
  let first = true;
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
        if (!renewed || renewed.access_token === token) return; // the session has ended
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
            onLive(true);
            // Whatever committed between two streams was heard by neither: fetch again.
            if (!first) void queries.invalidateQueries();
            first = false;
          } else if (event === "change") applyChange(queries, data as Change);
          else if (event === "again") planned = true;
        });
      }
    } catch (error) {
      if (signal.aborted) return;
      console.debug("live events lost", error);
    }
    if (!planned) {
      onLive(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
