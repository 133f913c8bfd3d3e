/**
 * The page's only way to the data: the public GraphQL API at /graphql, the same contract any
 * frontend uses. A token typed into the settings (kept in sessionStorage) rides as a bearer
 * header — on the downloads too (fetched, then saved from memory), never in a URL: a URL stays in
 * history and proxy logs. The calendar's subscription link is a feed link minted for the reader
 * (mintFeedCapability), read-only and for that one calendar, not the token.
 */

const TOKEN_KEY = "explorer.token";

export function accessToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

export function setAccessToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function authorization(): Record<string, string> {
  const token = accessToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Downloads a file route (/export, /registry) with the token in the Authorization header, and
 * saves it under the name the service gives (Content-Disposition). A refusal is an ApiError with
 * the service's Vietnamese message.
 */
export async function downloadFile(path: string): Promise<void> {
  const res = await fetch(path, { headers: authorization() });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; messageVi?: string };
    };
    throw new ApiError(
      body.error?.messageVi ?? body.error?.message ?? `Máy chủ trả lời ${res.status}`,
      body.error?.code,
    );
  }
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name ? decodeURIComponent(name) : (path.split("/").pop()?.split("?")[0] ?? "download");
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the file by the next turn; the memory is released after it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const MINT_FEED = `mutation MintFeed($input: MintFeedCapabilityInput!) {
  mintFeedCapability(input: $input) { path capability { id expiresAt } }
}`;

/** A feed link to a unit's calendar minted for the reader: the full URL to paste into a calendar client. */
export async function mintCalendarLink(unitId: string): Promise<{ url: string; expiresAt: string }> {
  const { mintFeedCapability: m } = await gql<{
    mintFeedCapability: { path: string; capability: { id: string; expiresAt: string } };
  }>(MINT_FEED, { input: { unitId } });
  return { url: `${location.origin}${m.path}`, expiresAt: m.capability.expiresAt };
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
  const headers: Record<string, string> = { "content-type": "application/json", ...authorization() };
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
