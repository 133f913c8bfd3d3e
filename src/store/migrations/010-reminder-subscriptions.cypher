// Chat reminder subscriptions (src/reminders, schema/reminders.graphql): one node each, unique
// on its id; the scheduler reads the active ones, the list query those of given units.
CREATE CONSTRAINT reminder_subscription_id IF NOT EXISTS FOR (n:ReminderSubscription) REQUIRE n.id IS UNIQUE;
CREATE INDEX reminder_subscription_unit IF NOT EXISTS FOR (n:ReminderSubscription) ON (n.unitId);
// The preview asks which reminders were sent, by key (served by sent_reminder_key); the status
// is read from the node.
