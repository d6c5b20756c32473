import { errorMessage } from "./api/client";
import { currentAccessToken } from "./auth/tokens";

/** A file from the API, fetched with the session's token (a plain link would carry none) and
 * handed to the browser to save under the name the API gives it (else `name`). */
export async function downloadFile(path: string, name: string, query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(search ? `${path}?${search}` : path, {
    headers: { Authorization: `Bearer ${currentAccessToken() ?? ""}` },
  });
  if (!response.ok) throw errorMessage(response.status, await response.json().catch(() => undefined));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  const given = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
  link.download = given?.[1] ?? name;
  link.click();
  URL.revokeObjectURL(link.href);
}
