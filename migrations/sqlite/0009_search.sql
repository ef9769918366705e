-- Full-text search, kept current in the same transaction as every write (triggers), and
-- backfilled here for what exists. One FTS5 index per kind of thing searched, tokenized like
-- hub's query parser (runs of letters and digits, lowercased, accents kept), with prefix
-- indexes for as-you-type search on the small tables. Contentless: the text stays in its own table; the index keeps
-- only what matching and ranking need. FTS5 rowids come from a keys table with an INTEGER
-- PRIMARY KEY, because VACUUM (and so a backup) may renumber the implicit rowids of tables
-- keyed by text ids.

-- Messages: their text (a deleted message's text is emptied, so it matches nothing).
CREATE TABLE message_search_keys (
    key     INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE
);
-- No prefix indexes here (the small tables below have them): every send writes this index in
-- its own transaction, and each prefix length would write every word again; a prefix search
-- reads the term range instead.
CREATE VIRTUAL TABLE message_search USING fts5(
    content, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search_keys (item_id) VALUES (new.id);
    INSERT INTO message_search (rowid, content)
    VALUES ((SELECT key FROM message_search_keys WHERE item_id = new.id), new.content);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF content ON messages BEGIN
    UPDATE message_search SET content = new.content
    WHERE rowid = (SELECT key FROM message_search_keys WHERE item_id = new.id);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = (SELECT key FROM message_search_keys WHERE item_id = old.id);
    DELETE FROM message_search_keys WHERE item_id = old.id;
END;
INSERT INTO message_search_keys (item_id) SELECT id FROM messages;
INSERT INTO message_search (rowid, content)
SELECT k.key, s.content FROM message_search_keys k JOIN messages s ON s.id = k.item_id;

-- Channels: name, topic, description (ranked in that order).
CREATE TABLE channel_search_keys (
    key     INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE channel_search USING fts5(
    name, topic, description, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);
CREATE TRIGGER channels_search_insert AFTER INSERT ON channels BEGIN
    INSERT INTO channel_search_keys (item_id) VALUES (new.id);
    INSERT INTO channel_search (rowid, name, topic, description)
    VALUES ((SELECT key FROM channel_search_keys WHERE item_id = new.id), new.name, new.topic, new.description);
END;
CREATE TRIGGER channels_search_update AFTER UPDATE OF name, topic, description ON channels BEGIN
    UPDATE channel_search SET name = new.name, topic = new.topic, description = new.description
    WHERE rowid = (SELECT key FROM channel_search_keys WHERE item_id = new.id);
END;
CREATE TRIGGER channels_search_delete AFTER DELETE ON channels BEGIN
    DELETE FROM channel_search WHERE rowid = (SELECT key FROM channel_search_keys WHERE item_id = old.id);
    DELETE FROM channel_search_keys WHERE item_id = old.id;
END;
INSERT INTO channel_search_keys (item_id) SELECT id FROM channels;
INSERT INTO channel_search (rowid, name, topic, description)
SELECT k.key, s.name, s.topic, s.description FROM channel_search_keys k JOIN channels s ON s.id = k.item_id;

-- People: username and full name.
CREATE TABLE user_search_keys (
    key     INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE user_search USING fts5(
    username, full_name, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search_keys (item_id) VALUES (new.id);
    INSERT INTO user_search (rowid, username, full_name)
    VALUES ((SELECT key FROM user_search_keys WHERE item_id = new.id), new.username, new.full_name);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF username, full_name ON users BEGIN
    UPDATE user_search SET username = new.username, full_name = new.full_name
    WHERE rowid = (SELECT key FROM user_search_keys WHERE item_id = new.id);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM user_search WHERE rowid = (SELECT key FROM user_search_keys WHERE item_id = old.id);
    DELETE FROM user_search_keys WHERE item_id = old.id;
END;
INSERT INTO user_search_keys (item_id) SELECT id FROM users;
INSERT INTO user_search (rowid, username, full_name)
SELECT k.key, s.username, s.full_name FROM user_search_keys k JOIN users s ON s.id = k.item_id;

-- The forum: posts (title and body) and comments (body) in one index, so they rank together.
CREATE TABLE forum_search_keys (
    key     INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL
);
CREATE VIRTUAL TABLE forum_search USING fts5(
    title, body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO forum_search_keys (item_id, kind) VALUES (new.id, 'post');
    INSERT INTO forum_search (rowid, title, body)
    VALUES ((SELECT key FROM forum_search_keys WHERE item_id = new.id), new.title, new.body);
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF title, body ON posts BEGIN
    UPDATE forum_search SET title = new.title, body = new.body
    WHERE rowid = (SELECT key FROM forum_search_keys WHERE item_id = new.id);
END;
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM forum_search WHERE rowid = (SELECT key FROM forum_search_keys WHERE item_id = old.id);
    DELETE FROM forum_search_keys WHERE item_id = old.id;
END;
INSERT INTO forum_search_keys (item_id, kind) SELECT id, 'post' FROM posts;
INSERT INTO forum_search (rowid, title, body)
SELECT k.key, s.title, s.body FROM forum_search_keys k JOIN posts s ON s.id = k.item_id;
CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
    INSERT INTO forum_search_keys (item_id, kind) VALUES (new.id, 'comment');
    INSERT INTO forum_search (rowid, title, body)
    VALUES ((SELECT key FROM forum_search_keys WHERE item_id = new.id), '', new.body);
END;
CREATE TRIGGER comments_search_update AFTER UPDATE OF body ON comments BEGIN
    UPDATE forum_search SET title = '', body = new.body
    WHERE rowid = (SELECT key FROM forum_search_keys WHERE item_id = new.id);
END;
CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
    DELETE FROM forum_search WHERE rowid = (SELECT key FROM forum_search_keys WHERE item_id = old.id);
    DELETE FROM forum_search_keys WHERE item_id = old.id;
END;
INSERT INTO forum_search_keys (item_id, kind) SELECT id, 'comment' FROM comments;
INSERT INTO forum_search (rowid, title, body)
SELECT k.key, '', s.body FROM forum_search_keys k JOIN comments s ON s.id = k.item_id;
