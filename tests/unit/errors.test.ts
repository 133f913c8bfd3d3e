/** The one error mapper: domain errors keep their code, GraphQL's own pass, the rest is masked. */
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { notFound } from "../../src/domain/errors.ts";
import { formatError, isUnexpected, MaskedError, withRequestId } from "../../src/graphql/errors.ts";
import { QueryLimitError } from "../../src/graphql/limit-error.ts";
import {
  CommitOutcomeUnknownError,
  DatabaseBusyError,
  DatabaseConnectionError,
  RequestTimeoutError,
} from "../../src/store/database.ts";

const formatted = (message: string, code = "INTERNAL_SERVER_ERROR") => ({
  message,
  path: ["unit"],
  extensions: { code, stacktrace: ["Error: at secret.ts:1"] },
});

/** What graphql-js makes of an error a resolver threw. */
const resolverError = (err: Error) => new GraphQLError(err.message, { originalError: err, path: ["unit"] });

describe("formatError", () => {
  it("keeps a domain error's code, message and details", () => {
    const err = notFound("unit", "x");
    const out = formatError(formatted(err.message), resolverError(err));
    expect(out.extensions).toMatchObject({ code: "NOT_FOUND" });
    expect(out.message).toBe(err.message);
    expect(isUnexpected(err)).toBe(false);
  });

  it("passes GraphQL's own errors without their stack trace", () => {
    const err = new GraphQLError("Cannot query field", { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    const out = formatError(formatted(err.message, "GRAPHQL_VALIDATION_FAILED"), err);
    expect(out).toMatchObject({
      message: "Cannot query field",
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(out.extensions).not.toHaveProperty("stacktrace");
  });

  it("gives graphql-js's 'too many variable errors' the client's code, BAD_USER_INPUT", () => {
    const err = new GraphQLError(
      "Too many errors processing variables, error limit reached. Execution aborted.",
    );
    expect(isUnexpected(err)).toBe(false);
    const out = formatError({ message: err.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, err);
    expect(out).toEqual({
      message: err.message,
      extensions: {
        code: "BAD_USER_INPUT",
        argument: "variables",
        messageVi: "Dữ liệu nhập không hợp lệ. Tham số: variables.",
      },
    });
  });

  it("keeps a limit refusal's own code, though Apollo files it as a validation error", () => {
    const limit = new QueryLimitError("MAX_ALIASES", "alias count 31 exceeds MAX_ALIASES 30", 30, 31);
    // Apollo's ValidationError: its own code, ours as the original.
    const wrapped = new GraphQLError(limit.message, {
      originalError: limit,
      extensions: { ...limit.extensions, code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(isUnexpected(wrapped)).toBe(false);
    expect(formatError(formatted(limit.message, "GRAPHQL_VALIDATION_FAILED"), wrapped)).toEqual({
      message: "alias count 31 exceeds MAX_ALIASES 30",
      extensions: {
        code: "QUERY_TOO_COMPLEX",
        limit: "MAX_ALIASES",
        max: 30,
        value: 31,
        messageVi: expect.stringMatching(/MAX_ALIASES\): tối đa 30, yêu cầu này 31\.$/),
      },
    });
  });

  it("names MAX_TOKENS when graphql-js stops parsing a long document", () => {
    const syntax = new GraphQLError(
      "Syntax Error: Document contains more that 2000 tokens. Parsing aborted.",
    );
    const apollo = new GraphQLError(syntax.message, {
      originalError: syntax,
      extensions: { code: "GRAPHQL_PARSE_FAILED" },
    });
    expect(formatError(formatted(syntax.message, "GRAPHQL_PARSE_FAILED"), apollo)).toEqual({
      message: "token count exceeds MAX_TOKENS 2,000",
      extensions: {
        code: "QUERY_TOO_COMPLEX",
        limit: "MAX_TOKENS",
        max: 2000,
        messageVi: expect.stringContaining("(MAX_TOKENS): tối đa 2.000."),
      },
    });
  });

  it("answers TIMEOUT for a read stopped at its request's time budget, unmasked", () => {
    const err = new RequestTimeoutError(15_000);
    expect(isUnexpected(resolverError(err))).toBe(false);
    expect(formatError(formatted(err.message), resolverError(err))).toEqual({
      message: "The request took longer than REQUEST_TIMEOUT_MS 15,000 ms and was stopped",
      path: ["unit"],
      extensions: {
        code: "TIMEOUT",
        limit: "REQUEST_TIMEOUT_MS",
        messageVi: expect.stringContaining("REQUEST_TIMEOUT_MS"),
      },
    });
  });

  it("masks anything else: no message, no stack, and the request id added before sending", () => {
    const err = new Error("password=hunter2 in /srv/app/secret.ts:12");
    expect(isUnexpected(err)).toBe(true);
    const out = formatError(formatted(err.message), resolverError(err));
    expect(out).toEqual({
      message: "Internal server error",
      path: ["unit"],
      extensions: { code: "INTERNAL_SERVER_ERROR", messageVi: expect.not.stringContaining("hunter2") },
    });
    const [sent] = withRequestId([out], "req-1");
    expect(sent).toEqual({
      message: "Internal server error (request id req-1)",
      path: ["unit"],
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        requestId: "req-1",
        messageVi: expect.stringMatching(/Mã yêu cầu: req-1\.$/),
      },
    });
  });

  it("says the database is unavailable, and nothing of the connection", () => {
    const err = new DatabaseConnectionError("connect ECONNREFUSED 10.0.0.5:7687");
    const out = formatError(formatted(err.message), resolverError(err));
    expect(withRequestId([out], "r")[0]).toEqual({
      message: "The database is unavailable (request id r)",
      path: ["unit"],
      extensions: {
        code: "SERVICE_UNAVAILABLE",
        retryable: true,
        requestId: "r",
        messageVi: expect.stringMatching(/^Dịch vụ tạm thời không sẵn sàng.* Mã yêu cầu: r\.$/),
      },
    });
  });

  it("says a change out of time (or a busy pool) may be retried, with its rule, and does not log it as a fault", () => {
    const err = new DatabaseBusyError("WRITE_TIMEOUT", "The change did not finish within its time budget");
    expect(isUnexpected(err)).toBe(false);
    expect(formatError(formatted(err.message), resolverError(err))).toEqual({
      message: err.message,
      path: ["unit"],
      extensions: {
        code: "SERVICE_UNAVAILABLE",
        rule: "WRITE_TIMEOUT",
        retryable: true,
        messageVi: expect.stringContaining("chưa có gì được ghi"),
      },
    });
  });

  it("says a change in doubt may have been written and is not to be retried blindly, logged, nothing of the connection", () => {
    const err = new CommitOutcomeUnknownError(new Error("connection to 10.0.0.5:7687 lost"));
    expect(isUnexpected(err)).toBe(true);
    const out = withRequestId([formatError(formatted(err.message), resolverError(err))], "r")[0];
    expect(out).toEqual({
      message: `${err.message} (request id r)`,
      path: ["unit"],
      extensions: {
        code: "SERVICE_UNAVAILABLE",
        rule: "COMMIT_IN_DOUBT",
        retryable: false,
        requestId: "r",
        messageVi: expect.stringMatching(/có thể đã được ghi hoặc chưa.* Mã yêu cầu: r\.$/),
      },
    });
    expect(JSON.stringify(out)).not.toMatch(/10\.0\.0\.5/);
  });

  it("leaves an error masked where the id was known, and every other error, as they are", () => {
    const masked = new MaskedError("ctx-1");
    expect(isUnexpected(masked)).toBe(false);
    const out = formatError({ message: masked.message, extensions: { ...masked.extensions } }, masked);
    expect(withRequestId([out], "other")[0]).toMatchObject({
      message: "Internal server error (request id ctx-1)",
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "ctx-1" },
    });
    const validation = { message: "Bad", extensions: { code: "BAD_USER_INPUT" } };
    expect(withRequestId([validation], "r")[0]).toBe(validation);
  });
});
