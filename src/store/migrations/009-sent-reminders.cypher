// A chat reminder is sent once (src/reminders): its claim is a node unique on its key.
CREATE CONSTRAINT sent_reminder_key IF NOT EXISTS FOR (n:SentReminder) REQUIRE n.key IS UNIQUE;
