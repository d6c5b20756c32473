// Lists several screens read, each fetched under one key so they share one copy.
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { api, unwrap, type Priority, type Stage } from "./client";

export const PRIORITIES: Priority[] = ["URGENT", "HIGH", "NORMAL", "LOW"];

export function priorityOptions(t: TFunction) {
  return PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }));
}

/** Every item (up to the API's page size of 200), for pickers and SKU labels. */
export function useItems() {
  return useQuery({
    queryKey: ["items", "all"],
    queryFn: () => unwrap(api.GET("/api/inventory/items", { params: { query: { size: 200 } } })),
  });
}

/** The active workers skilled for a stage. */
export function useWorkers(stage: Stage, enabled: boolean) {
  return useQuery({
    queryKey: ["workers", stage],
    queryFn: () => unwrap(api.GET("/api/production/workers", { params: { query: { stage, active: true } } })),
    enabled,
  });
}
