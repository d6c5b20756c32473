// The signed-in user's notices: fetched again when the live stream says they changed (a new
// one, or one read in another tab), so the bell's count is never stale for long.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
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

/** The whole list, page by page: a refetch (a new notice heard) reads the pages again from
 * the newest, so a row pushed to the next page is neither lost nor shown twice. */
export function useInboxPages(unread: boolean, limit = 50) {
  return useInfiniteQuery({
    queryKey: [KEY, "pages", unread, limit],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/user/me/notifications/inbox", { params: { query: { unread, limit, before: pageParam } } }),
      ),
    getNextPageParam: (page) => page.next_before ?? undefined,
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

type Settings = Schemas["NotificationSettings"];

/** Keeps one kind's choice; shown at once, so a second click right after the first builds on
 * it rather than on what the server said before. */
export function useChoose() {
  const queries = useQueryClient();
  const key = [KEY, "choices"];
  return useMutation({
    mutationFn: (choice: Schemas["ChoiceIO"]) =>
      unwrap(api.PUT("/api/user/me/notifications", { body: { choices: [choice] } })),
    onMutate: async (choice) => {
      await queries.cancelQueries({ queryKey: key });
      queries.setQueryData<Settings>(key, (now) =>
        now && { ...now, choices: now.choices.map((c) => (c.kind === choice.kind ? { ...c, ...choice } : c)) },
      );
    },
    onSuccess: (settings) => queries.setQueryData(key, settings),
    onError: () => void queries.invalidateQueries({ queryKey: key }),
  });
}
