/** Plain records as the repositories return them (dates as ISO strings). */
import {
  DATED_ATTRIBUTE_NAMES,
  type DatedAttribute,
  type FormerValue,
  formerValues,
} from "../domain/dated-attributes.ts";
import type { RelationRecord, RuleRecord, UnitProperties } from "../domain/records.ts";
import { type Fields, fieldsOf, flag, optNumber, optText, optTexts, text, texts } from "./fields.ts";

export type { RelationRecord, RuleRecord } from "../domain/records.ts";

/** A unit as the repositories return it: its stored properties (src/domain/records.ts) and its earlier values. */
export interface UnitRecord extends Omit<UnitProperties, "nameFolded" | "source"> {
  source: string[];
  /** The registry code (mã đơn vị) the registry import set, if any (src/registry). */
  registryCode: string | null;
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
  const r = fieldsOf(row);
  return {
    id: text(r, "id"),
    name: text(r, "name"),
    kind: text(r, "kind"),
    level: optText(r, "level"),
    province: optText(r, "province"),
    sector: optText(r, "sector"),
    host: optText(r, "host"),
    seat: optText(r, "seat"),
    validFrom: optText(r, "validFrom"),
    validTo: optText(r, "validTo"),
    synthetic: flag(r, "synthetic"),
    source: texts(r, "source"),
    note: optText(r, "note"),
    registryCode: optText(r, "registryCode"),
    formerNames: texts(r, "formerNames"),
    formerNamesUntil: texts(r, "formerNamesUntil"),
    former: Object.fromEntries(DATED_ATTRIBUTE_NAMES.map((a) => [a, formerValues(r, a)])) as Record<
      DatedAttribute,
      FormerValue[]
    >,
  };
}

export function asRelation(type: string, from: string, to: string, props: unknown): RelationRecord {
  const p = fieldsOf(props);
  return {
    id: text(p, "id"),
    type,
    from,
    to,
    validFrom: optText(p, "validFrom"),
    validTo: optText(p, "validTo"),
    frequencies: texts(p, "frequencies"),
    via: texts(p, "via"),
    subject: optText(p, "subject"),
    basis: texts(p, "basis"),
    synthetic: flag(p, "synthetic"),
    note: optText(p, "note"),
  };
}

export function asRule(props: unknown): RuleRecord {
  const p = fieldsOf(props);
  return {
    id: text(p, "id"),
    relation: text(p, "relation"),
    title: text(p, "title"),
    kinds: texts(p, "kinds"),
    sectors: optTexts(p, "sectors"),
    recipient: text(p, "recipient"),
    frequencies: texts(p, "frequencies"),
    via: texts(p, "via"),
    subject: optText(p, "subject"),
    basis: texts(p, "basis"),
    validFrom: optText(p, "validFrom"),
    validTo: optText(p, "validTo"),
  };
}

/** Citations as citationsOf (cypher-fragments.ts) returns them: provisions with a document id, and the documents once. */
export function asCitations(rows: unknown, documents: unknown): CitationRecord[] {
  const byId = new Map(((documents as unknown[]) ?? []).map(asDocument).map((d) => [d.id, d]));
  return ((rows as { p: Fields; doc: string }[]) ?? []).flatMap((r) => {
    const document = byId.get(r.doc);
    return document ? [{ provision: asProvision(r.p), document }] : [];
  });
}

export function asCitation(row: unknown): CitationRecord {
  const r = fieldsOf(row);
  return { provision: asProvision(r.p), document: asDocument(r.doc) };
}

function asProvision(row: unknown): CitationRecord["provision"] {
  const p = fieldsOf(row);
  return {
    id: text(p, "id"),
    documentId: text(p, "documentId"),
    article: optNumber(p, "article"),
    clause: optNumber(p, "clause"),
    point: optText(p, "point"),
    section: optText(p, "section"),
    kind: optText(p, "kind") ?? "TEXT",
    excerpt: text(p, "excerpt"),
  };
}

export function asDocument(row: unknown): DocumentRecord {
  const d = fieldsOf(row);
  return {
    id: text(d, "id"),
    number: text(d, "number"),
    type: text(d, "type"),
    title: text(d, "title"),
    issuedOn: optText(d, "issuedOn"),
    signer: optText(d, "signer"),
    file: optText(d, "file"),
    issuerId: optText(d, "issuerId"),
    replacesIds: texts(d, "replacesIds"),
  };
}
