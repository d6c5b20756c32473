// The signed-in user's notices: fetched again when the live stream says they changed (a new
// one, or one read in another tab), so the bell's count is never stale for long.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type Notice = Schemas["NotificationOut"];
export type NoticeKind = Schemas["NoticeKind"];
export type KindChoice = Schemas["KindChoice"];

export const KEY = "notifications";

export function useInbox(options: { unread?: boolean; limit?: number; before?: number } = {}) {
  const { unread = false, limit = 50, before } = options;
  return useQuery({
    queryKey: [KEY, "inbox", unread, limit, before],
    queryFn: () =>
      unwrap(api.GET("/api/user/me/notifications/inbox", { params: { query: { unread, limit, before } } })),
  });
}

/** Marks the given notices read (all of them without `ids`). */
export function useMarkRead() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (ids?: number[]) =>
      unwrap(api.POST("/api/user/me/notifications/inbox/read", { body: { ids: ids ?? null } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: [KEY] }),
  });
}

export function useChoices() {
  return useQuery({
    queryKey: [KEY, "choices"],
    queryFn: () => unwrap(api.GET("/api/user/me/notifications")),
  });
}

export function useChoose() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (choice: Schemas["ChoiceIO"]) =>
      unwrap(api.PUT("/api/user/me/notifications", { body: { choices: [choice] } })),
    onSuccess: (settings) => queries.setQueryData([KEY, "choices"], settings),
  });
}
