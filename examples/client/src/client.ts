/**
 * A minimal typed GraphQL client for the service: it sends a document by its persisted id, the way
 * Apollo Client's persisted-query link does — first over GET with only the SHA-256 hash (cacheable,
 * ETag), then, if the server does not know it yet (PERSISTED_QUERY_NOT_FOUND, automatic persisted
 * queries), over POST with the text from the manifest the client preset generated. A server in
 * trusted-documents mode loads that same manifest, so the GET is all it needs.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import manifest from "./gql/persisted-documents.json" with { type: "json" };

export interface ClientOptions {
  /** The service's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** A bearer token, when the service requires one (READ_ACCESS). */
  token?: string;
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; messageVi?: string; [key: string]: unknown };
}

/** The service's refusal: its code, and the Vietnamese message for end users beside the English one. */
export class ServiceError extends Error {
  constructor(readonly errors: GraphQLErrorBody[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "ServiceError";
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
  /** What to show an end user (Vietnamese), falling back to the English message. */
  get messageVi(): string {
    return this.errors.map((e) => e.extensions?.messageVi ?? e.message).join("; ");
  }
}

const TEXTS: Record<string, string> = manifest;

/** The persisted id the client preset embedded in a document (`sha256:<hex>`). */
function documentIdOf(document: TypedDocumentNode<unknown, unknown>): string {
  const id = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof id !== "string" || TEXTS[id] === undefined)
    throw new Error("not a persisted document: run `npm run example:codegen`");
  return id;
}

const operationNameOf = (document: TypedDocumentNode<unknown, unknown>) => {
  const op = document.definitions.find((d) => d.kind === "OperationDefinition");
  return op?.kind === "OperationDefinition" ? op.name?.value : undefined;
};

/** Runs a generated document with its variables and answers its typed data, or throws a ServiceError. */
export async function execute<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: ClientOptions,
): Promise<TData> {
  const id = documentIdOf(document as TypedDocumentNode<unknown, unknown>);
  const operationName = operationNameOf(document as TypedDocumentNode<unknown, unknown>);
  const extensions = { persistedQuery: { version: 1, sha256Hash: id.replace(/^sha256:/, "") } };
  const headers: Record<string, string> = {
    accept: "application/graphql-response+json, application/json",
    // A GET without a header only a preflighted request may carry is refused (CSRF protection).
    "apollo-require-preflight": "true",
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  const params = new URLSearchParams({
    ...(operationName ? { operationName } : {}),
    variables: JSON.stringify(variables ?? {}),
    extensions: JSON.stringify(extensions),
  });
  let body = (await (await fetch(`${options.url}?${params}`, { headers })).json()) as {
    data?: TData;
    errors?: GraphQLErrorBody[];
  };
  if (body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
    const res = await fetch(options.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ query: TEXTS[id], operationName, variables, extensions }),
    });
    body = (await res.json()) as typeof body;
  }
  if (body.errors?.length || body.data === undefined) throw new ServiceError(body.errors ?? []);
  return body.data;
}
