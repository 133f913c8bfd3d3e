import { Query } from "./query.ts";

export const resolvers = { Query };
