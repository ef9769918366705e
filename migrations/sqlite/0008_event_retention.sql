-- The event logs are pruned of what no resume may ask for any more (older than the resume
-- window): by age, in small batches.
CREATE INDEX channel_events_created ON channel_events (created_at);
CREATE INDEX forum_events_created ON forum_events (created_at);
