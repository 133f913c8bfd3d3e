/**
 * The contract check's rules, without files: the published schema compared with the last released
 * one by graphql-js's own findBreakingChanges / findDangerousChanges (the reference implementation
 * of these rules, already a dependency), breaking changes accepted only when marked with a reason,
 * and every @deprecated written with its reason.
 */
import {
  type DocumentNode,
  findBreakingChanges,
  findDangerousChanges,
  type GraphQLSchema,
  introspectionFromSchema,
  Kind,
  lexicographicSortSchema,
  printSchema,
  visit,
} from "graphql";
import { z } from "zod";

/** One change between two schemas, as the check prints it and as a mark names it. */
export interface SchemaChange {
  type: string;
  description: string;
}

/** A breaking change accepted against the released schema, and why (what clients were told). */
export interface Mark {
  change: string;
  reason: string;
}

export const marksFileSchema = z.object({
  accepted: z
    .array(z.object({ change: z.string().min(1), reason: z.string().trim().min(10) }).strict())
    .default([]),
});

export interface ContractReport {
  /** Breaking changes no mark names: the check fails. */
  unmarked: SchemaChange[];
  /** Breaking changes a mark names: allowed. */
  accepted: SchemaChange[];
  /** Changes that can alter what a client sees without breaking its documents: printed, allowed. */
  dangerous: SchemaChange[];
  /** Marks that name no current breaking change (a typo, or a change undone): the check fails. */
  unusedMarks: Mark[];
}

/** How a change is written in the report and in a mark: `FIELD_REMOVED: Unit.foo was removed.` */
export const changeKey = (c: SchemaChange) => `${c.type}: ${c.description}`;

export function compareContract(
  released: GraphQLSchema,
  current: GraphQLSchema,
  marks: readonly Mark[],
): ContractReport {
  const breaking = findBreakingChanges(released, current).map(({ type, description }) => ({
    type,
    description,
  }));
  const dangerous = findDangerousChanges(released, current).map(({ type, description }) => ({
    type,
    description,
  }));
  const marked = new Set(marks.map((m) => m.change));
  const found = new Set(breaking.map(changeKey));
  return {
    unmarked: breaking.filter((c) => !marked.has(changeKey(c))),
    accepted: breaking.filter((c) => marked.has(changeKey(c))),
    dangerous,
    unusedMarks: marks.filter((m) => !found.has(m.change)),
  };
}

export const contractHolds = (r: ContractReport) => r.unmarked.length === 0 && r.unusedMarks.length === 0;

/** Each `@deprecated` in the type definitions that gives no `reason:` (graphql's default says nothing useful). */
export function deprecationsWithoutReason(typeDefs: DocumentNode): string[] {
  const found: string[] = [];
  const path: string[] = [];
  const enter = (node: { name?: { value: string } }) => {
    path.push(node.name?.value ?? "?");
  };
  const leave = () => {
    path.pop();
  };
  const scoped = { enter, leave };
  visit(typeDefs, {
    ObjectTypeDefinition: scoped,
    ObjectTypeExtension: scoped,
    InterfaceTypeDefinition: scoped,
    InterfaceTypeExtension: scoped,
    InputObjectTypeDefinition: scoped,
    InputObjectTypeExtension: scoped,
    EnumTypeDefinition: scoped,
    EnumTypeExtension: scoped,
    FieldDefinition: scoped,
    InputValueDefinition: scoped,
    EnumValueDefinition: scoped,
    Directive(node) {
      if (node.name.value !== "deprecated") return;
      const reason = node.arguments?.find((a) => a.name.value === "reason")?.value;
      if (reason?.kind !== Kind.STRING || reason.value.trim() === "") found.push(path.join("."));
    },
  });
  return found;
}

/** The published artefacts of a schema: SDL and introspection JSON, sorted so that they print the same every time. */
export function publishedArtefacts(schema: GraphQLSchema): { sdl: string; introspection: string } {
  const sorted = lexicographicSortSchema(schema);
  const sdl = `${printSchema(sorted)}\n`;
  const introspection = introspectionFromSchema(sorted, {
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  });
  return { sdl, introspection: `${JSON.stringify(introspection, null, 2)}\n` };
}
