/**
 * Persisted queries (README, "Frontends"):
 * - Automatic persisted queries (APQ, Apollo's protocol): a client sends the SHA-256 of its query
 *   and, on PERSISTED_QUERY_NOT_FOUND, the query with its hash once; the texts are kept in an
 *   LRU bounded to APQ_CACHE_MB (lru-cache, sized in bytes), not Apollo's default store.
 * - Trusted documents (TRUSTED_DOCUMENTS): only the documents of a manifest are executed. A client
 *   names one by hash, as `extensions.persistedQuery.sha256Hash` (Apollo Client's persisted-query
 *   link) or `documentId` (GraphQL Code Generator's client preset, Relay); a full query text is
 *   accepted only when it is one of the manifest's. Anything else is refused before execution with
 *   FORBIDDEN, rule TRUSTED_DOCUMENTS (HTTP 403).
 */
import { readFileSync } from "node:fs";
import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from "@apollo/server";
import { GraphQLError } from "graphql";
import { LRUCache } from "lru-cache";
import { type Config, ConfigError } from "../config.ts";

/** Apollo's KeyValueCache, over an LRU bounded in bytes. */
function boundedStore(megabytes: number) {
  const lru = new LRUCache<string, string>({
    maxSize: Math.max(1, Math.floor(megabytes * 1024 * 1024)),
    sizeCalculation: (value, key) => Buffer.byteLength(value) + key.length,
  });
  return {
    async get(key: string) {
      return lru.get(key);
    },
    async set(key: string, value: string) {
      lru.set(key, value);
    },
    async delete(key: string) {
      return lru.delete(key);
    },
  };
}

/** A trusted-documents manifest: hash (or id) → document text. */
export interface TrustedDocuments {
  byId: Map<string, string>;
  texts: Set<string>;
}

/**
 * Reads a manifest: `{ "<hash>": "<query>" }` (GraphQL Code Generator's persisted-documents.json)
 * or Apollo's `{ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }`.
 */
export function readTrustedDocuments(file: string): TrustedDocuments {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split("\n")[0];
    throw new ConfigError(`Invalid configuration: TRUSTED_DOCUMENTS cannot be read (${msg})`);
  }
  const entries = manifestEntries(raw);
  if (!entries || entries.length === 0)
    throw new ConfigError(
      `Invalid configuration: TRUSTED_DOCUMENTS must be a JSON object of hash → query, or an Apollo persisted query manifest, with at least one document`,
    );
  const byId = new Map(entries);
  // The client preset writes SHA-256 ids as `sha256:<hex>` (GraphQL-over-HTTP's document ids);
  // Apollo's persisted-query link sends the bare hex as `sha256Hash`: both name the document.
  for (const [id, text] of entries) {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(id)?.[1];
    if (hex && !byId.has(hex)) byId.set(hex, text);
  }
  return { byId, texts: new Set(byId.values()) };
}

function manifestEntries(raw: unknown): [string, string][] | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const record = raw as Record<string, unknown>;
  if (record.format === "apollo-persisted-query-manifest" && Array.isArray(record.operations)) {
    const ops = record.operations as { id?: unknown; body?: unknown }[];
    if (!ops.every((o) => typeof o.id === "string" && typeof o.body === "string")) return null;
    return ops.map((o) => [o.id as string, o.body as string]);
  }
  const entries = Object.entries(record);
  return entries.every(([, v]) => typeof v === "string") ? (entries as [string, string][]) : null;
}

/** The refusal of a document outside the manifest. */
export function untrustedDocument(detail: string): GraphQLError {
  return new GraphQLError(
    `Only trusted documents are executed here (TRUSTED_DOCUMENTS): ${detail}; send a document of the manifest by its hash`,
    { extensions: { code: "FORBIDDEN", rule: "TRUSTED_DOCUMENTS", http: { status: 403 } } },
  );
}

/** The id a request names its document by: `documentId` (body or URL), or the APQ hash. */
function documentIdOf(request: GraphQLRequest): string | undefined {
  const http = request.http;
  const body = http?.body as { documentId?: unknown } | undefined;
  if (typeof body?.documentId === "string") return body.documentId;
  const fromUrl = http?.search ? new URLSearchParams(http.search).get("documentId") : null;
  if (fromUrl) return fromUrl;
  const hash = request.extensions?.persistedQuery?.sha256Hash;
  return typeof hash === "string" ? hash : undefined;
}

/**
 * The query a request may run under a manifest (its extensions without the APQ entry, which the
 * manifest replaces), or a FORBIDDEN error. Shared by HTTP and the WebSocket subscriptions.
 */
export function resolveTrustedDocument(
  trusted: TrustedDocuments,
  request: { query?: string; extensions?: Record<string, unknown>; documentId?: string },
): string {
  const id = request.documentId;
  if (id !== undefined) {
    const text = trusted.byId.get(id);
    if (text === undefined)
      throw untrustedDocument(`no document has the id ${JSON.stringify(id.slice(0, 80))}`);
    return text;
  }
  if (request.query !== undefined && trusted.texts.has(request.query)) return request.query;
  throw untrustedDocument("this query is not in the manifest");
}

/** Stands in for a refused document, so that the refusal comes at the first hook Apollo answers with the error's status. */
const PLACEHOLDER = "{ __typename }";

/**
 * Puts the manifest's text in place of the request's id before Apollo reads the request. A
 * refused request runs no document of its own: a placeholder is parsed instead and the refusal is
 * raised once the operation is resolved, before execution (Apollo answers an error thrown that
 * early in the pipeline as a 500).
 */
function trustedDocumentsPlugin(trusted: TrustedDocuments): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request }) {
      let refusal: GraphQLError | undefined;
      try {
        request.query = resolveTrustedDocument(trusted, {
          query: request.query,
          documentId: documentIdOf(request),
        });
      } catch (e) {
        if (!(e instanceof GraphQLError)) throw e;
        refusal = e;
        request.query = PLACEHOLDER;
        request.operationName = undefined;
      }
      // The manifest vouches for the text: Apollo's APQ store is neither read nor written.
      if (request.extensions?.persistedQuery) {
        const { persistedQuery: _apq, ...rest } = request.extensions;
        request.extensions = rest;
      }
      return {
        async didResolveOperation() {
          if (refusal) throw refusal;
        },
      };
    },
  };
}

/** ApolloServer's `persistedQueries` option and the trusted-documents plugin (when configured). */
export function persistedQueries(config: Config) {
  const trusted = config.TRUSTED_DOCUMENTS ? readTrustedDocuments(config.TRUSTED_DOCUMENTS) : null;
  return {
    trusted,
    options: config.APQ_CACHE_MB > 0 ? { cache: boundedStore(config.APQ_CACHE_MB) } : (false as const),
    plugins: trusted ? [trustedDocumentsPlugin(trusted)] : [],
  };
}
