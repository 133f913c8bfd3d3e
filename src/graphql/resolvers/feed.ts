/**
 * Feed links (src/auth/feed-capability.ts): mint one for yourself, list yours, revoke one.
 * Thin: the checks are who asks (a token, not anonymous) and whether the unit is visible to them;
 * the store keeps the record, the auth module signs.
 */
import { randomBytes } from "node:crypto";
import {
  type FeedClaims,
  type FeedKind,
  readsOf,
  requireFeedKey,
  signFeedCapability,
} from "../../auth/feed-capability.ts";
import { NO_SUBJECT } from "../../auth/principal.ts";
import { badInput, DomainError, notFound } from "../../domain/errors.ts";
import {
  createFeedCapability,
  findFeedCapability,
  listFeedCapabilities,
  revokeFeedCapability,
} from "../../store/feed-capability-repository.ts";
import type { Context } from "../context.ts";
import type { MutationResolvers, QueryResolvers, Resolvers } from "../generated/resolvers-types.ts";
import { requireUnit, visibleUnit } from "../services/lookups.ts";

const DAY_MS = 86_400_000;

/** The schema's FeedKind for each stored kind. */
const KIND_OUT = { calendar: "CALENDAR" } as const satisfies Record<FeedKind, string>;

/**
 * A feed link is its minter's: an anonymous caller has no identity to mint, list or revoke under,
 * nor a token without `sub` (every such token would share the minter "unknown": its links, its cap).
 */
function assertMinter(ctx: Context, operation: string): void {
  if (ctx.principal.role === "anonymous")
    throw new DomainError(
      "FORBIDDEN",
      `${operation} needs a bearer token: a feed link belongs to its minter`,
      {
        rule: "FEED_MINTER",
        operation,
      },
    );
  if (ctx.principal.subject === NO_SUBJECT)
    throw new DomainError(
      "FORBIDDEN",
      `${operation}: the token has no "sub" claim naming its user; a feed link belongs to the user who mints it, so use a token with one (npm run token -- --sub <name>)`,
      { rule: "FEED_MINTER", operation },
    );
}

function lifetimeDays(requested: number | null | undefined, max: number): number {
  const days = requested ?? max;
  if (!Number.isInteger(days) || days < 1 || days > max)
    throw badInput(
      "input.expiresInDays",
      `${days} is not a whole number of days from 1 to FEED_TOKEN_MAX_DAYS (${max})`,
    );
  return days;
}

export const FeedResolvers: Resolvers = {
  FeedCapability: {
    kind: (f) => KIND_OUT[f.kind],
    unit: (f, _, ctx) => visibleUnit(f.unitId, ctx),
  },
};

export const FeedMutations: MutationResolvers = {
  mintFeedCapability: async (_, { input }, ctx) => {
    assertMinter(ctx, "mintFeedCapability");
    const key = requireFeedKey(ctx.config);
    const days = lifetimeDays(input.expiresInDays, ctx.config.FEED_TOKEN_MAX_DAYS);
    // A unit outside a scoped reader's subtrees answers as an unknown one (NOT_FOUND).
    const unit = await requireUnit(input.unitId, ctx, "input.unitId");
    const claims: FeedClaims = {
      id: `fc_${randomBytes(8).toString("hex")}`,
      // CALENDAR is the only kind so far (and the input's default).
      kind: "calendar",
      unitId: unit.id,
      subject: ctx.principal.subject,
      scopes: readsOf(ctx.principal),
      expiresAt: Date.now() + days * DAY_MS,
    };
    const token = await signFeedCapability(claims, key);
    const capability = await createFeedCapability(ctx.db, claims, ctx.config.FEED_TOKEN_MAX_PER_MINTER);
    return { capability, token, path: `/calendar/${encodeURIComponent(unit.id)}.ics?feed=${token}` };
  },
  revokeFeedCapability: async (_, { id }, ctx) => {
    assertMinter(ctx, "revokeFeedCapability");
    const found = await findFeedCapability(ctx.db, id, ctx.roundTrips);
    // Another's link answers as a missing one: its id tells nothing to whoever did not mint it.
    const mine = found && (ctx.principal.role === "admin" || found.createdBy === ctx.principal.subject);
    if (!mine) {
      const err = notFound("feed capability", id);
      err.details.argument = "id";
      throw err;
    }
    const revoked = await revokeFeedCapability(ctx.db, id, ctx.principal.subject);
    if (!revoked) throw notFound("feed capability", id);
    return revoked;
  },
};

export const FeedQueries: QueryResolvers = {
  feedCapabilities: async (_, { createdBy, includeRevoked }, ctx) => {
    assertMinter(ctx, "feedCapabilities");
    const whose = createdBy ?? ctx.principal.subject;
    if (whose !== ctx.principal.subject && ctx.principal.role !== "admin")
      throw new DomainError(
        "FORBIDDEN",
        "feedCapabilities: only an admin may list another minter's feed links",
        {
          rule: "FEED_OWNER",
          argument: "createdBy",
        },
      );
    return listFeedCapabilities(
      ctx.db,
      { createdBy: whose, includeRevoked: includeRevoked ?? false },
      ctx.roundTrips,
    );
  },
};
