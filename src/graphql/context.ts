/** Per-request context: the database handle with its round-trip counter, loaders and settings. */
import { ANONYMOUS, type Principal } from "../auth/principal.ts";
import type { Config } from "../config.ts";
import { todayInVietnam } from "../domain/dates.ts";
import type { Logger } from "../logger.ts";
import { type Database, RoundTripCounter } from "../store/database.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { ResultCache } from "./result-cache.ts";

export interface Context {
  db: Database;
  config: Config;
  log: Logger;
  requestId: string;
  roundTrips: RoundTripCounter;
  loaders: Loaders;
  /** Who is asking (from the bearer token), and what they may do. */
  principal: Principal;
  /** The date traversals use when no asOf is given: today in Vietnam, fixed for the request. */
  today: string;
  /** Units this request has read below units that open no subtree to its scoped reader (SCOPED_SUBTREE_SCAN_MAX). */
  scanned: { belowHidden: number };
}

export function createContext(
  db: Database,
  config: Config,
  log: Logger,
  requestId: string,
  principal: Principal = ANONYMOUS,
  cache: ResultCache | null = null,
): Context {
  const roundTrips = new RoundTripCounter();
  return {
    db,
    config,
    log: log.child({ requestId }),
    requestId,
    roundTrips,
    loaders: createLoaders(db, roundTrips, principal.scopes, cache),
    principal,
    today: todayInVietnam(),
    scanned: { belowHidden: 0 },
  };
}
