// The API, typed from its own OpenAPI document (schema.d.ts is generated: `make web-client`).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { currentAccessToken } from "../auth/tokens";

export type Schemas = components["schemas"];
export type Order = Schemas["OrderOut"];
export type Stage = Schemas["Stage"];
export type Priority = Schemas["Priority"];
export type Me = Schemas["MeOut"];
export type Action = Schemas["Action"];
export type PurchaseOrder = Schemas["PurchaseOrderOut"];
export type QueueEntry = Schemas["QueueEntryOut"];
export type Template = Schemas["TemplateOut"];
export type CheckItem = Schemas["CheckItemOut"];
export type Inspection = Schemas["InspectionOut"];

export type ErrorDetails = Record<string, string | number | boolean | null>;

/** What the API said went wrong: its words (English), its stable code and the details by
 * name, from which the app says it in the user's language. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly details: ErrorDetails;
  constructor(status: number, message: string, code?: string, details: ErrorDetails = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Issue = { loc: (string | number)[]; msg: string };

export function errorMessage(status: number, body: unknown): ApiError {
  const said = body as ({ detail?: string | Issue[]; code?: string } & ErrorDetails) | undefined;
  const { detail, code, ...details } = said ?? {};
  const message = Array.isArray(detail)
    ? detail.map((issue) => `${issue.loc.slice(1).join(".")}: ${issue.msg}`).join("; ")
    : (detail ?? `HTTP ${status}`);
  return new ApiError(status, message, code, details);
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = currentAccessToken();
    if (token && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

/** The data of an openapi-fetch answer, or an ApiError with the API's own words. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorMessage(response.status, error);
  return data as T;
}

/** A page of a list and how many there are in all (the API's `X-Total-Count`). */
export async function unwrapPage<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ rows: T; total: number }> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorMessage(response.status, error);
  return { rows: data as T, total: Number(response.headers.get("X-Total-Count") ?? 0) };
}

/** A fresh Idempotency-Key: one per user intent (a double click sends the same one). */
export function newKey(): string {
  // randomUUID exists only on HTTPS and localhost; a tablet on the workshop's LAN may use HTTP.
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
