// The generated graph's merger events (src/store/bulk-import.ts MERGEs them on their ids).
CREATE CONSTRAINT merger_event_id IF NOT EXISTS FOR (n:MergerEvent) REQUIRE n.id IS UNIQUE;
