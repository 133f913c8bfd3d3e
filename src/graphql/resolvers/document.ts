/** Document and Citation. */
import { citationLabel } from "../../domain/citations.ts";
import { badInput } from "../../domain/errors.ts";
import { allDocuments, findDocumentByNumber } from "../../store/document-repository.ts";
import { ProvisionKind, type QueryResolvers, type Resolvers } from "../generated/resolvers-types.ts";
import { present, visibleUnit } from "../services/lookups.ts";
import { asEnum } from "../stored-values.ts";

export const DocumentResolvers: Resolvers = {
  Document: {
    __resolveReference: (ref, ctx) => ctx.loaders.document.load(ref.id),
    issuer: (d, _, ctx) => visibleUnit(d.issuerId, ctx),
    replaces: async (d, _, ctx) => present(await ctx.loaders.document.loadMany(d.replacesIds)),
    replacedBy: (d, _, ctx) => ctx.loaders.replacedBy.load(d.id),
    provisions: (d, _, ctx) => ctx.loaders.provisionsOfDocument.load(d.id),
  },
  Citation: {
    __resolveReference: (ref, ctx) => ctx.loaders.citation.load(ref.id),
    id: (c) => c.provision.id,
    document: (c) => c.document,
    article: (c) => c.provision.article,
    clause: (c) => c.provision.clause,
    point: (c) => c.provision.point,
    section: (c) => c.provision.section,
    kind: (c) => asEnum(ProvisionKind, c.provision.kind),
    excerpt: (c) => c.provision.excerpt,
    // A document without a number (the Quy chế and the NQ21 plan carry none) is named by its title.
    label: (c) =>
      citationLabel(c.provision, c.document.number.startsWith("(") ? c.document.title : c.document.number),
  },
};

export const DocumentQueries: QueryResolvers = {
  document: async (_, args, ctx) => {
    const number = args.number.trim();
    if (!number) throw badInput("number", "must not be empty");
    const doc = await findDocumentByNumber(ctx.db, number, ctx.roundTrips);
    if (doc) ctx.loaders.document.prime(doc.id, doc);
    return doc;
  },
  documents: async (_, __, ctx) => {
    const docs = await allDocuments(ctx.db, ctx.roundTrips);
    for (const d of docs) ctx.loaders.document.prime(d.id, d);
    return docs;
  },
};
