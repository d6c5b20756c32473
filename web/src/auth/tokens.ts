// The session's tokens, shared by every tab of the browser (localStorage), refreshed shortly
// before the access token expires; one tab refreshes at a time (Web Locks), since a refresh
// token can be used only once. Where there are no Web Locks (plain HTTP from another machine),
// two tabs may refresh at once: the server gives the second the first one's answer.
const KEY = "zhuchka.tokens";
const EARLY_SECONDS = 60;

export type Tokens = { access_token: string; refresh_token: string };

export function storedTokens(): Tokens | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Tokens;
  } catch {
    return null;
  }
}

export function storeTokens(tokens: Tokens | null): void {
  if (tokens) localStorage.setItem(KEY, JSON.stringify(tokens));
  else localStorage.removeItem(KEY);
}

export function currentAccessToken(): string | null {
  return storedTokens()?.access_token ?? null;
}

/** Seconds until the access token expires (negative when it has). */
export function secondsLeft(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    return Number(payload.exp) - Date.now() / 1000;
  } catch {
    return -1;
  }
}

export function needsRefresh(token: string): boolean {
  return secondsLeft(token) < EARLY_SECONDS;
}

/** New tokens for the stored refresh token, unless another tab already got them. `refused`:
 * the access token an answer of 401 refused — refreshed whatever its expiry says (a clock
 * that is off, a session ended elsewhere); a second refusal ends the session here. */
export async function refreshTokens(refused?: string): Promise<Tokens | null> {
  const run = async (): Promise<Tokens | null> => {
    const tokens = storedTokens();
    if (!tokens) return null;
    const stale = refused ? tokens.access_token === refused : needsRefresh(tokens.access_token);
    if (!stale) return tokens; // another tab (or an earlier call) already did it
    const response = await fetch("/api/user/token/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    });
    if (response.status === 401) {
      storeTokens(null);
      return null;
    }
    if (!response.ok) return tokens; // an outage: try again later
    const fresh = (await response.json()) as Tokens;
    storeTokens(fresh);
    return fresh;
  };
  return navigator.locks ? navigator.locks.request("zhuchka-refresh", run) : run();
}
