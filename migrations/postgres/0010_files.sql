-- Uploaded files. The bytes are in the file storage (a folder or an S3 bucket) under
-- storage_key; a row is the uploader's alone until a message is sent with it, then it belongs
-- to that message (and is read by who reads its channel). Messages count their files, so a
-- page of history reads file rows only when it shows some.
CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    uploader_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    width        BIGINT,
    height       BIGINT,
    storage_key  TEXT NOT NULL,
    message_id   TEXT REFERENCES messages (id) ON DELETE SET NULL,
    channel_id   TEXT REFERENCES channels (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX files_uploader ON files (uploader_id, id);
CREATE INDEX files_message ON files (message_id) WHERE message_id IS NOT NULL;

ALTER TABLE messages ADD COLUMN file_count BIGINT NOT NULL DEFAULT 0;

-- File names are searched like everything else (see 0009).
ALTER TABLE files ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', regexp_replace(name, '[[:punct:]]+', ' ', 'g'))
    ) STORED;
CREATE INDEX files_search ON files USING gin (search);
