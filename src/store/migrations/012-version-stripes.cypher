// The hierarchy's version is spread over 16 counters (src/store/graph-version.ts, VERSION_STRIPES):
// each change raises one, so changes no longer all queue for one node's lock. The constraint makes
// MERGE on a counter's id safe under concurrency; the counters exist from here on, so a change
// never creates one.
CREATE CONSTRAINT write_lock_id IF NOT EXISTS FOR (n:WriteLock) REQUIRE n.id IS UNIQUE;
UNWIND range(1, 15) AS i
MERGE (:WriteLock {id: 'hierarchy-' + toString(i)});
