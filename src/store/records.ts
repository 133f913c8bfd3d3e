/** Plain records as the repositories return them (dates as ISO strings). */
import {
  DATED_ATTRIBUTE_NAMES,
  type DatedAttribute,
  type FormerValue,
  formerValues,
} from "../domain/dated-attributes.ts";
import type { RelationRecord, RuleRecord, UnitProperties } from "../domain/records.ts";

export type { RelationRecord, RuleRecord } from "../domain/records.ts";

/** A unit as the repositories return it: its stored properties (src/domain/records.ts) and its earlier values. */
export interface UnitRecord extends Omit<UnitProperties, "nameFolded" | "source"> {
  source: string[];
  /** Earlier names, oldest first, each in force until the matching day of formerNamesUntil. */
  formerNames: string[];
  formerNamesUntil: string[];
  /** Earlier values of every dated attribute (src/domain/dated-attributes.ts), oldest first. */
  former: Record<DatedAttribute, FormerValue[]>;
}

export interface DocumentRecord {
  id: string;
  number: string;
  type: string;
  title: string;
  issuedOn: string | null;
  signer: string | null;
  file: string | null;
  issuerId: string | null;
  replacesIds: string[];
}

export interface ProvisionRecord {
  id: string;
  documentId: string;
  article: number | null;
  clause: number | null;
  point: string | null;
  section: string | null;
  /** TEXT, ADDRESSEES (kính gửi) or DISTRIBUTION_LIST (nơi nhận). */
  kind: string;
  excerpt: string;
}

/** A provision with its document, as queries return them so that loaders can be primed. */
export interface CitationRecord {
  provision: ProvisionRecord;
  document: DocumentRecord;
}

export function asUnit(row: unknown): UnitRecord {
  const r = row as Record<string, unknown>;
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as string,
    level: (r.level as string) ?? null,
    province: (r.province as string) ?? null,
    sector: (r.sector as string) ?? null,
    host: (r.host as string) ?? null,
    seat: (r.seat as string) ?? null,
    validFrom: (r.validFrom as string) ?? null,
    validTo: (r.validTo as string) ?? null,
    synthetic: r.synthetic === true,
    source: (r.source as string[]) ?? [],
    note: (r.note as string) ?? null,
    formerNames: (r.formerNames as string[]) ?? [],
    formerNamesUntil: (r.formerNamesUntil as string[]) ?? [],
    former: Object.fromEntries(DATED_ATTRIBUTE_NAMES.map((a) => [a, formerValues(r, a)])) as Record<
      DatedAttribute,
      FormerValue[]
    >,
  };
}

export function asRelation(type: string, from: string, to: string, props: unknown): RelationRecord {
  const p = props as Record<string, unknown>;
  return {
    id: p.id as string,
    type,
    from,
    to,
    validFrom: (p.validFrom as string) ?? null,
    validTo: (p.validTo as string) ?? null,
    frequencies: (p.frequencies as string[]) ?? [],
    via: (p.via as string[]) ?? [],
    subject: (p.subject as string) ?? null,
    basis: (p.basis as string[]) ?? [],
    synthetic: p.synthetic === true,
    note: (p.note as string) ?? null,
  };
}

export function asRule(props: unknown): RuleRecord {
  const p = props as Record<string, unknown>;
  return {
    id: p.id as string,
    relation: p.relation as string,
    title: p.title as string,
    kinds: (p.kinds as string[]) ?? [],
    sectors: (p.sectors as string[]) ?? null,
    recipient: p.recipient as string,
    frequencies: (p.frequencies as string[]) ?? [],
    via: (p.via as string[]) ?? [],
    subject: (p.subject as string) ?? null,
    basis: (p.basis as string[]) ?? [],
    validFrom: (p.validFrom as string) ?? null,
    validTo: (p.validTo as string) ?? null,
  };
}

/** Citations as citationsOf (cypher-fragments.ts) returns them: provisions with a document id, and the documents once. */
export function asCitations(rows: unknown, documents: unknown): CitationRecord[] {
  const byId = new Map(((documents as unknown[]) ?? []).map(asDocument).map((d) => [d.id, d]));
  return ((rows as { p: Record<string, unknown>; doc: string }[]) ?? []).flatMap((r) => {
    const document = byId.get(r.doc);
    return document ? [{ provision: asProvision(r.p), document }] : [];
  });
}

export function asCitation(row: unknown): CitationRecord {
  const r = row as { p: Record<string, unknown>; doc: Record<string, unknown> };
  return { provision: asProvision(r.p), document: asDocument(r.doc) };
}

function asProvision(p: Record<string, unknown>): CitationRecord["provision"] {
  return {
    id: p.id as string,
    documentId: p.documentId as string,
    article: (p.article as number) ?? null,
    clause: (p.clause as number) ?? null,
    point: (p.point as string) ?? null,
    section: (p.section as string) ?? null,
    kind: (p.kind as string) ?? "TEXT",
    excerpt: p.excerpt as string,
  };
}

export function asDocument(row: unknown): DocumentRecord {
  const d = row as Record<string, unknown>;
  return {
    id: d.id as string,
    number: d.number as string,
    type: d.type as string,
    title: d.title as string,
    issuedOn: (d.issuedOn as string) ?? null,
    signer: (d.signer as string) ?? null,
    file: (d.file as string) ?? null,
    issuerId: (d.issuerId as string) ?? null,
    replacesIds: (d.replacesIds as string[]) ?? [],
  };
}
