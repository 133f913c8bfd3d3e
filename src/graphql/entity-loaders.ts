/**
 * Loaders for the entities only the federation looks up by id (`_entities`): positions and
 * change events. Each batches a request's references into one Cypher query and answers null, in
 * place, for an id that names nothing.
 */
import DataLoader from "dataloader";
import { findEvents } from "../store/change-repository.ts";
import type { Database, RoundTripCounter } from "../store/database.ts";
import { findPositions } from "../store/meeting-repository.ts";
import { byId } from "./loaders/record-loaders.ts";

export function entityLoaders(db: Database, counter: RoundTripCounter) {
  return {
    positionById: new DataLoader(async (ids: readonly string[]) =>
      byId(ids, await findPositions(db, ids, counter)),
    ),
    eventById: new DataLoader(async (ids: readonly string[]) =>
      byId(ids, await findEvents(db, ids, counter)),
    ),
  };
}
