/**
 * What /graphql refuses before it looks at the reader (review s10 #14): a method other than GET
 * or POST (405, with Allow) and a POST body that is not a JSON object (400 BAD_REQUEST), as the
 * README's table orders them. Apollo would check both only after building the request's
 * context, so that an anonymous caller with READ_ACCESS≠public got 403 READ_ACCESS instead: the
 * answer then depended on who asked, not on what was sent. Neither check reads anything.
 */
import type { RequestHandler } from "express";
import { failure, sendFailure } from "./errors.ts";

const METHODS = ["GET", "POST"];

export const graphqlPreflight: RequestHandler = (req, res, next) => {
  if (!METHODS.includes(req.method)) {
    res.setHeader("allow", METHODS.join(", "));
    return void sendFailure(req, res, {
      ...failure("BAD_REQUEST", `${req.method} is not allowed on /graphql; use GET or POST`),
      status: 405,
    });
  }
  // Undefined: no JSON parsed (another content type), which Apollo's CSRF check answers.
  const body: unknown = req.body;
  if (
    req.method === "POST" &&
    body !== undefined &&
    (typeof body !== "object" || body === null || Array.isArray(body))
  )
    return void sendFailure(
      req,
      res,
      failure(
        "BAD_REQUEST",
        'The request body is not a JSON object; send { "query": "…", "variables": { … } }',
      ),
    );
  next();
};
