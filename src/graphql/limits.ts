/**
 * Limits checked before any resolver runs, so that a small request cannot make the service
 * build a huge answer or flood Neo4j (README, "Limits"):
 * - MAX_TOKENS: graphql-js stops parsing a longer document (Apollo's parseOptions);
 * - MAX_QUERY_DEPTH, MAX_ALIASES, MAX_DIRECTIVES: GraphQL Armor's validation rules;
 * - MAX_QUERY_COST: the list-aware cost of the operation with its variables (query-cost.ts),
 *   checked once the operation is known, and again while it runs: the cost prices lists no
 *   argument bounds (a unit's relations, …) at an assumed size, and a unit with hundreds of
 *   relations makes nested lists far longer, so the values actually resolved are counted too.
 * Every refusal is a QueryLimitError (limit-error.ts): code QUERY_TOO_COMPLEX, HTTP 400, a message
 * naming the limit and the value, e.g. "query cost 1,250,000 exceeds MAX_QUERY_COST 100,000".
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  type ASTNode,
  type DocumentNode,
  defaultFieldResolver,
  GraphQLError,
  type GraphQLSchema,
  getVariableValues,
  isObjectType,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
  visit,
} from "graphql";
import type { Config } from "../config.ts";
import type { Context } from "./context.ts";
import { formatCount, type LimitName, QueryLimitError } from "./limit-error.ts";
import {
  COST_ARGUMENTS,
  type CostSettings,
  HEAVY_FIELDS,
  heavyFieldCount,
  MAX_HEAVY_FIELDS,
  queryCost,
} from "./query-cost.ts";
import { scoped } from "./visibility.ts";

/** Operations expanded past this many selections (fragments counted at each use) are refused unpriced. */
const MAX_SELECTIONS = 10_000;

/** GraphQL Armor reports "... limit of 10 exceeded, found 11."; the message names our variable instead. */
function reportTo(limit: LimitName, what: string, max: number) {
  return (ctx: ValidationContext | null, error: GraphQLError) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    const value = found === undefined ? undefined : Number(found);
    const message =
      value === undefined
        ? `${what} exceeds ${limit} ${formatCount(max)}`
        : `${what} ${formatCount(value)} exceeds ${limit} ${formatCount(max)}`;
    ctx?.reportError(new QueryLimitError(limit, message, max, value));
  };
}

/** The validation rules for depth, aliases and directives (GraphQL Armor, its other protections off). */
function armorRules(config: Config): ValidationRule[] {
  const rule = (limit: LimitName, what: string, n: number) => ({
    n,
    propagateOnRejection: false,
    onReject: [reportTo(limit, what, n)],
  });
  return new ApolloArmor({
    maxDepth: { ...rule("MAX_QUERY_DEPTH", "query depth", config.MAX_QUERY_DEPTH), flattenFragments: true },
    maxAliases: rule("MAX_ALIASES", "alias count", config.MAX_ALIASES),
    maxDirectives: rule("MAX_DIRECTIVES", "directive count", config.MAX_DIRECTIVES),
    // Tokens: graphql-js's own parser option (below) refuses before the document is built.
    maxTokens: { enabled: false },
    // Cost: Armor's is not list-aware; query-cost.ts is.
    costLimit: { enabled: false },
    // Introspection is on (GraphiQL), so field suggestions reveal nothing it does not.
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
}

/** The variables used in `node`, anywhere inside it. */
function variablesIn(node: ASTNode, into: Set<string>): void {
  visit(node, {
    Variable(v) {
      into.add(v.name.value);
    },
  });
}

/**
 * The variables an operation's cost can depend on: those inside an argument the estimator reads
 * (COST_ARGUMENTS) or inside a directive (@skip / @include decide what is counted). Any other
 * variable — a unit id, a date — leaves the cost as it is.
 */
function costVariables(document: DocumentNode): string[] {
  const found = new Set<string>();
  visit(document, {
    Argument(arg) {
      if (COST_ARGUMENTS.has(arg.name.value)) variablesIn(arg.value, found);
    },
    Directive(directive) {
      // The definition's own directives are not evaluated per request; a field's are.
      variablesIn(directive, found);
    },
    VariableDefinition() {
      // A variable's default value holds no variable; its directives change no cost.
      return false;
    },
  });
  return [...found].sort();
}

/** Longest key of a kept cost: past it, the operation is priced again each time. */
const MAX_COST_KEY = 4_096;

/**
 * The key of an operation's cost among its document's: the operation and the values of the
 * variables the cost depends on (absent and null differ: an absent variable takes its default).
 * Null when those values cannot be written compactly (too large, or too deep to serialise):
 * such a request is priced, just not kept.
 */
function costKey(
  name: string | undefined,
  names: readonly string[],
  vars: Record<string, unknown>,
): string | null {
  try {
    const key = `${name ?? ""}|${JSON.stringify(names.map((n) => (n in vars ? [vars[n]] : [])))}`;
    return key.length <= MAX_COST_KEY ? key : null;
  } catch {
    return null;
  }
}

/** Refuses an operation whose cost, with its variables, exceeds MAX_QUERY_COST. */
function costPlugin(config: Config): ApolloServerPlugin<Context> {
  const settings: CostSettings = { maxPageSize: config.MAX_PAGE_SIZE, maxDepth: config.MAX_DEPTH };
  // A scoped reader's `changes` and `searchUnits` are priced by their scan bounds (query-cost.ts).
  const scopedSettings: CostSettings = {
    ...settings,
    scopedReader: { changesScanMax: config.CHANGES_SCAN_MAX },
  };
  const max = config.MAX_QUERY_COST;
  // Apollo hands a repeated query the same parsed document: its costs are kept with it, by
  // operation and the values of the variables the cost depends on (costVariables: for most
  // operations none, so a document is priced once whatever unit and date it asks about),
  // instead of walking it on every request. The cost is still checked on every request; a scoped
  // reader's is kept apart (its scans are priced).
  const known = new WeakMap<DocumentNode, { names: string[]; costs: Map<string, number> }>();
  const costOf = (
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    name: string | undefined,
    reader: CostSettings,
  ) => {
    let entry = known.get(document);
    if (!entry) {
      entry = { names: costVariables(document), costs: new Map<string, number>() };
      known.set(document, entry);
    }
    const { names, costs } = entry;
    const key = costKey(`${reader.scopedReader ? "scoped" : "all"}|${name ?? ""}`, names, variables ?? {});
    const held = key === null ? undefined : costs.get(key);
    if (held !== undefined) return held;
    const cost = queryCost(schema, document, variables, name, reader, MAX_SELECTIONS);
    if (key === null) return cost;
    if (costs.size >= 64) costs.clear();
    costs.set(key, cost);
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // No operation: execution refuses the request with its own error.
          if (!operation) return;
          const reader = scoped(contextValue) ? scopedSettings : settings;
          const heavy = heavyFieldCount(operation, document);
          if (heavy > MAX_HEAVY_FIELDS)
            throw new QueryLimitError(
              "MAX_QUERY_COST",
              `${heavy} whole-subtree reads (${[...HEAVY_FIELDS].join(", ")}) in one operation: at most ${MAX_HEAVY_FIELDS} are priced within MAX_QUERY_COST ${formatCount(max)}`,
              max,
            );
          let cost: number;
          try {
            cost = costOf(schema, document, request.variables, operation.name?.value, reader);
          } catch (e) {
            if (e instanceof GraphQLError && /maximum allowed number of nodes/.test(e.message))
              throw new QueryLimitError(
                "MAX_QUERY_COST",
                `selection count with fragments expanded exceeds ${formatCount(MAX_SELECTIONS)}: too many to price against MAX_QUERY_COST ${formatCount(max)}`,
                max,
              );
            // Variables that do not fit the operation: execution refuses them, naming the variable.
            if (e instanceof GraphQLError && variablesRefused(schema, operation, request.variables)) return;
            // An argument that cannot be read (an explicit null for a defaulted variable in a
            // non-null position): execution would fail only that field and run the rest unpriced.
            if (e instanceof GraphQLError) throw unreadableArgument(e);
            // Anything else fails closed: an operation that cannot be priced does not run.
            throw new QueryLimitError(
              "MAX_QUERY_COST",
              `the operation could not be priced against MAX_QUERY_COST ${formatCount(max)}`,
              max,
            );
          }
          if (cost > max)
            throw new QueryLimitError(
              "MAX_QUERY_COST",
              `query cost ${formatCount(cost)} exceeds MAX_QUERY_COST ${formatCount(max)}`,
              max,
              cost,
            );
        },
      };
    },
  };
}

/** Whether execution will refuse the request's variables itself (graphql-js coerces them first). */
function variablesRefused(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): boolean {
  return getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors !== undefined;
}

/** BAD_USER_INPUT naming the argument pricing could not read: the operation does not run. */
function unreadableArgument(e: GraphQLError): GraphQLError {
  const argument = /^Argument "([^"]+)"/.exec(e.message)?.[1] ?? "variables";
  return new GraphQLError(
    `${e.message} The operation was not run: it cannot be priced against MAX_QUERY_COST.`,
    {
      nodes: e.nodes,
      extensions: { code: "BAD_USER_INPUT", argument, http: { status: 400 } },
    },
  );
}

/**
 * Mutations are not cut short by the time budget (src/http/response-guard.ts): once one starts it
 * is answered when its transaction ends. One whose budget was spent before it started is refused.
 */
function budgetPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const budget = contextValue.roundTrips.budget;
          if (!budget || operation?.operation !== "mutation") return;
          if (budget.answered)
            throw new QueryLimitError(
              "REQUEST_TIMEOUT_MS",
              `The request took longer than REQUEST_TIMEOUT_MS ${formatCount(budget.ms)} ms before it started; nothing was written`,
              budget.ms,
            );
          budget.enforced = false;
        },
      };
    },
  };
}

/**
 * Counts the values the answer holds as they are resolved (every field of an object type, as
 * the cost counts them) and stops the operation once there are more than MAX_QUERY_COST: each
 * later field fails at once, and the answer becomes one QUERY_TOO_COMPLEX error (HTTP 400).
 * Without it, `relations { to { relations { to { relations { … } } } } }` on a unit with 450
 * relations passes the estimate (30 assumed per level) and builds millions of objects. A query
 * whose time budget is spent is stopped the same way: its answer (TIMEOUT) is already sent.
 * Mutations are exempt, as from the time budget: their write is done when their selection runs.
 */
function answerSizePlugin(config: Config): ApolloServerPlugin<Context> {
  const max = config.MAX_QUERY_COST;
  return {
    async requestDidStart() {
      let resolved = 0;
      let exceeded = false;
      const refusal = () => answerTooLarge(max);
      return {
        async executionDidStart({ contextValue, operation }) {
          // A change is answered as it ended: its selection is never cut short once it committed.
          if (operation?.operation === "mutation") return;
          const budget = contextValue.roundTrips.budget;
          return {
            willResolveField() {
              resolved += 1;
              if (resolved > max) exceeded = true;
              if (exceeded || budget?.answered) throw refusal();
            },
          };
        },
        async willSendResponse({ response }) {
          if (!exceeded || response.body.kind !== "single") return;
          const { http: _status, ...extensions } = refusal().extensions;
          response.body.singleResult = { errors: [{ message: refusal().message, extensions }] };
          response.http.status = refusal().status;
        },
      };
    },
  };
}

/** The refusal of an answer that holds more than MAX_QUERY_COST values. */
export function answerTooLarge(max: number): QueryLimitError {
  return new QueryLimitError(
    "MAX_QUERY_COST",
    `answer holds more than MAX_QUERY_COST ${formatCount(max)} values (lists were longer than the cost estimate assumed); ask for fewer fields, less nesting or smaller pages`,
    max,
  );
}

/**
 * The answer-size limit for executions that do not go through Apollo's plugins: subscriptions
 * over WebSocket, where each event's answer is one execution (one root value) per subscription
 * (one context). Wraps every field resolver of `schema` — a schema of their own, built for them
 * — to count the values resolved for the current event of a context and fail each field past
 * `max`, as answerSizePlugin does for a request. A batch event naming 20,000 units is otherwise
 * resolved whole for every subscriber.
 */
export function limitAnswerSize(schema: GraphQLSchema, max: number): GraphQLSchema {
  const current = new WeakMap<object, { root: unknown; resolved: number; refusal?: QueryLimitError }>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: object, info) => {
        let event = current.get(context);
        if (!event || event.root !== info.rootValue) {
          event = { root: info.rootValue, resolved: 0 };
          current.set(context, event);
        }
        event.resolved += 1;
        // One refusal per event: every later field fails with it, without building another.
        if (event.resolved > max) {
          event.refusal ??= answerTooLarge(max);
          throw event.refusal;
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

/** What ApolloServer takes: parse options, validation rules and the plugins. */
export function queryLimits(config: Config) {
  return {
    parseOptions: { maxTokens: config.MAX_TOKENS },
    validationRules: armorRules(config),
    plugins: [costPlugin(config), budgetPlugin(), answerSizePlugin(config)],
  };
}
