// The live-event poll (src/live/event-feed.ts) reads the events recorded in its look-back window
// by their recordedAt: a range index on it, so that a poll reads as many entries as there are
// events in the window, whatever number of Change records they wrote
// (src/store/live-event-repository.ts).
CREATE RANGE INDEX event_recorded_at IF NOT EXISTS FOR (n:Event) ON (n.recordedAt);
