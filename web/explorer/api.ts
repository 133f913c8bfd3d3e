/**
 * The page's only way to the data: the public GraphQL API at /graphql, the same contract any
 * frontend uses. A token typed into the settings (kept in sessionStorage) rides as a bearer
 * header, and as ?access_token= on the export and calendar links.
 */

const TOKEN_KEY = "explorer.token";

export function accessToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

export function setAccessToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A link to a non-GraphQL route (export, .ics) carrying the token when there is one. */
export function withToken(path: string): string {
  const token = accessToken();
  if (!token) return path;
  return `${path}${path.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}`;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch("/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code);
  if (!body.data) throw new ApiError(`Máy chủ trả lời ${res.status} không có dữ liệu`, undefined);
  return body.data;
}

export interface UnitRef {
  id: string;
  name: string;
  kind: string;
  kindLabel: string;
}

export interface RelationRef {
  id: string;
  type: string;
  typeLabel: string;
  from: { id: string };
  to: { id: string };
  frequencyLabels: string[];
  synthetic: boolean;
}

export const UNIT_FIELDS = "id name kind kindLabel";
export const RELATION_FIELDS = "id type typeLabel from { id } to { id } frequencyLabels synthetic";
