// Prescribed channels (seed channelRules, e.g. 350-CV/TU): ids are unique; the seed loader MERGEs on them.
CREATE CONSTRAINT channel_rule_id IF NOT EXISTS FOR (n:ChannelRule) REQUIRE n.id IS UNIQUE;
