// Feed capabilities (src/auth/feed-capability.ts, schema/feed.graphql): one node per minted
// link, unique on its id; a link reads only while its node is there and not revoked. Listed by
// their minter (the token's subject).
CREATE CONSTRAINT feed_capability_id IF NOT EXISTS FOR (n:FeedCapability) REQUIRE n.id IS UNIQUE;
CREATE INDEX feed_capability_creator IF NOT EXISTS FOR (n:FeedCapability) ON (n.createdBy);
