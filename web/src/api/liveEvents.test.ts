import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyChange, parseFrames, type Frame } from "./liveEvents";

describe("live events", () => {
  afterEach(() => vi.useRealTimers());

  it("reads whole frames and keeps an unfinished one for the next chunk", () => {
    const frames: Frame[] = [];
    const rest = parseFrames(
      'retry: 1000\nevent: ready\ndata: {}\n\n: still here\n\nevent: change\ndata: {"kind":"order","id":"a"}\n\nevent: cha',
      (frame) => frames.push(frame),
    );
    expect(frames).toEqual([
      { event: "ready", data: {} },
      { event: "change", data: { kind: "order", id: "a" } },
    ]);
    expect(rest).toBe("event: cha");
    parseFrames(rest + 'nge\ndata: {"kind":"purchase_order","id":"b"}\n\n', (frame) => frames.push(frame));
    expect(frames[2]).toEqual({ event: "change", data: { kind: "purchase_order", id: "b" } });
  });

  it("fetches again once for a burst of changes, without cutting a fetch under way", () => {
    vi.useFakeTimers();
    const queries = new QueryClient();
    const invalidate = vi.spyOn(queries, "invalidateQueries").mockResolvedValue();
    for (let n = 0; n < 50; n++) applyChange(queries, { kind: "order", id: String(n) });
    applyChange(queries, { kind: "purchase_order", id: "po" });
    expect(invalidate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    const keys = invalidate.mock.calls.map(([filters]) => filters?.queryKey?.[0]);
    expect(keys.sort()).toEqual(["inspections", "order", "orders", "purchase-order", "purchase-orders", "queue"]);
    expect(invalidate.mock.calls.every(([, options]) => options?.cancelRefetch === false)).toBe(true);
  });

  it("fetches the bell and the list again when the user's notices changed", () => {
    vi.useFakeTimers();
    const queries = new QueryClient();
    const invalidate = vi.spyOn(queries, "invalidateQueries").mockResolvedValue();
    applyChange(queries, { kind: "notification", id: "user" });
    vi.advanceTimersByTime(250);
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([["notifications"]]);
  });
});
