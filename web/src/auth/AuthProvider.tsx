import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { api, ApiError, unwrap } from "../api/client";
import type { Action, Me } from "../api/client";
import { needsRefresh, refreshTokens, storeTokens, storedTokens } from "./tokens";

type Auth = {
  me: Me | null;
  loading: boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  can: (action: Action) => boolean;
};

const AuthContext = createContext<Auth | null>(null);
const CHECK_MS = 20_000;

async function loadMe(): Promise<Me | null> {
  let tokens = storedTokens();
  if (tokens && needsRefresh(tokens.access_token)) tokens = await refreshTokens();
  if (!tokens) return null;
  try {
    return await unwrap(api.GET("/api/user/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      storeTokens(null);
      return null;
    }
    throw error;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    try {
      setMe(await loadMe());
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    // Another tab signed in or out: follow it.
    const follow = (event: StorageEvent) => {
      if (event.key === "zhuchka.tokens" && (event.newValue === null) !== (event.oldValue === null)) {
        queries.clear();
        void reload();
      }
    };
    window.addEventListener("storage", follow);
    return () => window.removeEventListener("storage", follow);
  }, [reload, queries]);

  useEffect(() => {
    if (!me) return;
    // Refresh before the access token expires; an answer of 401 means the session has ended.
    const timer = window.setInterval(async () => {
      const tokens = storedTokens();
      if (tokens && needsRefresh(tokens.access_token)) {
        if (!(await refreshTokens())) setMe(null);
      }
    }, CHECK_MS);
    // A query refused with 401: new tokens and ask again, or the session has ended.
    const unsubscribe = queries.getQueryCache().subscribe((event) => {
      if (event.type !== "updated" || event.action.type !== "error") return;
      const error = event.action.error;
      if (!(error instanceof ApiError && error.status === 401)) return;
      const refused = storedTokens()?.access_token;
      void refreshTokens(refused).then((tokens) =>
        tokens && tokens.access_token !== refused ? queries.invalidateQueries() : setMe(null),
      );
    });
    return () => {
      window.clearInterval(timer);
      unsubscribe();
    };
  }, [me, queries]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const tokens = await unwrap(
        api.POST("/api/user/sign-in", {
          body: { username: email, password, scope: "" },
          bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      );
      storeTokens(tokens);
      queries.clear();
      setMe(await unwrap(api.GET("/api/user/me")));
    },
    [queries],
  );

  const signOut = useCallback(async () => {
    try {
      // An expired access token could not end the session on the server.
      const tokens = storedTokens();
      if (tokens && needsRefresh(tokens.access_token)) await refreshTokens();
      await api.POST("/api/user/sign-out");
    } finally {
      storeTokens(null);
      queries.clear();
      setMe(null);
    }
  }, [queries]);

  const value = useMemo<Auth>(
    () => ({
      me,
      loading,
      signIn,
      signOut,
      can: (action) => me?.actions.includes(action) ?? false,
    }),
    [me, loading, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
