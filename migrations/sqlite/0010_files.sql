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
    created_at   TEXT NOT NULL
);
CREATE INDEX files_uploader ON files (uploader_id, id);
CREATE INDEX files_message ON files (message_id) WHERE message_id IS NOT NULL;

ALTER TABLE messages ADD COLUMN file_count BIGINT NOT NULL DEFAULT 0;

-- File names are searched like everything else (see 0009).
CREATE TABLE file_search_keys (
    key     INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE file_search USING fts5(
    name, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);
CREATE TRIGGER files_search_insert AFTER INSERT ON files BEGIN
    INSERT INTO file_search_keys (item_id) VALUES (new.id);
    INSERT INTO file_search (rowid, name)
    VALUES ((SELECT key FROM file_search_keys WHERE item_id = new.id), new.name);
END;
CREATE TRIGGER files_search_delete AFTER DELETE ON files BEGIN
    DELETE FROM file_search WHERE rowid = (SELECT key FROM file_search_keys WHERE item_id = old.id);
    DELETE FROM file_search_keys WHERE item_id = old.id;
END;
