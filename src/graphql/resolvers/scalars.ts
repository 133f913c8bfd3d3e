import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

/**
 * Date (yyyy-mm-dd). Input is taken as a string here and validated by the resolvers,
 * so that a malformed date is reported as BAD_USER_INPUT naming its argument.
 */
export const DateScalar = new GraphQLScalarType({
  name: "Date",
  description: "An ISO calendar date, yyyy-mm-dd.",
  serialize: (value) => {
    if (typeof value === "string") return value.slice(0, 10);
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new GraphQLError(`Date cannot represent ${String(value)}`);
  },
  parseValue: (value) => {
    if (typeof value !== "string") throw new GraphQLError("Date must be a string written yyyy-mm-dd");
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("Date must be a string written yyyy-mm-dd");
    return ast.value;
  },
});
