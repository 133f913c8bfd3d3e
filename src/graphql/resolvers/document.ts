/** Document and Citation. */
import { citationLabel } from "../../domain/citations.ts";
import { badInput } from "../../domain/errors.ts";
import { allDocuments, findDocumentByNumber } from "../../store/document-repository.ts";
import type { CitationRecord, DocumentRecord } from "../../store/records.ts";
import type { Context } from "../context.ts";
import { visibleUnit } from "./support.ts";

type Args = Record<string, unknown>;

export const DocumentResolvers = {
  Document: {
    __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.document.load(ref.id),
    issuer: (d: DocumentRecord, _: Args, ctx: Context) => visibleUnit(d.issuerId, ctx),
    replaces: async (d: DocumentRecord, _: Args, ctx: Context) =>
      (await ctx.loaders.document.loadMany(d.replacesIds)).filter((x) => x !== null),
    replacedBy: (d: DocumentRecord, _: Args, ctx: Context) => ctx.loaders.replacedBy.load(d.id),
    provisions: (d: DocumentRecord, _: Args, ctx: Context) => ctx.loaders.provisionsOfDocument.load(d.id),
  },
  Citation: {
    id: (c: CitationRecord) => c.provision.id,
    document: (c: CitationRecord) => c.document,
    article: (c: CitationRecord) => c.provision.article,
    clause: (c: CitationRecord) => c.provision.clause,
    point: (c: CitationRecord) => c.provision.point,
    section: (c: CitationRecord) => c.provision.section,
    kind: (c: CitationRecord) => c.provision.kind,
    excerpt: (c: CitationRecord) => c.provision.excerpt,
    // A document without a number (the Quy chế and the NQ21 plan carry none) is named by its title.
    label: (c: CitationRecord) =>
      citationLabel(c.provision, c.document.number.startsWith("(") ? c.document.title : c.document.number),
  },
};

export const DocumentQueries = {
  document: async (_: unknown, args: Args, ctx: Context) => {
    const number = String(args.number ?? "").trim();
    if (!number) throw badInput("number", "must not be empty");
    const doc = await findDocumentByNumber(ctx.db, number, ctx.roundTrips);
    if (doc) ctx.loaders.document.prime(doc.id, doc);
    return doc;
  },
  documents: async (_: unknown, __: Args, ctx: Context) => {
    const docs = await allDocuments(ctx.db, ctx.roundTrips);
    for (const d of docs) ctx.loaders.document.prime(d.id, d);
    return docs;
  },
};
