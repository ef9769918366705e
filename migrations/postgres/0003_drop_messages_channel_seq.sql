-- Every query that reads a channel's messages in order reads top-level ones
-- (messages_top_level); replies are read through messages_thread. A message's
-- position stays unique: channel_events has the same (channel_id, seq) as its key,
-- written in the same transaction. One index fewer to update per message sent.
DROP INDEX messages_channel_seq;
