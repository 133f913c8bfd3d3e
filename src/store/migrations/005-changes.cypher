// Recorded changes: events and their audit records, and the data-driven kind pairings.
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kind_pairing_id IF NOT EXISTS FOR (n:KindPairing) REQUIRE n.id IS UNIQUE;
CREATE INDEX change_at IF NOT EXISTS FOR (n:Change) ON (n.at);
// Every structural write takes this node's lock first, so concurrent writers are serialised
// and the invariants are checked against a stable hierarchy.
MERGE (:WriteLock {id: 'hierarchy'});
