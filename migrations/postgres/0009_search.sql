-- Full-text search: a generated tsvector per searchable row (kept current by PostgreSQL in the
-- same statement as every write, and computed for existing rows by this migration) with a GIN
-- index. The 'simple' configuration (no stemming, no stop words) over the text with its ASCII
-- punctuation turned into spaces: the words are runs of letters and digits, lowercased, as
-- hub's query parser and SQLite's index see them.

ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', regexp_replace(content, '[[:punct:]]+', ' ', 'g'))
    ) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

ALTER TABLE channels ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', regexp_replace(name, '[[:punct:]]+', ' ', 'g')), 'A') ||
        setweight(to_tsvector('simple', regexp_replace(topic, '[[:punct:]]+', ' ', 'g')), 'B') ||
        setweight(to_tsvector('simple', regexp_replace(description, '[[:punct:]]+', ' ', 'g')), 'C')
    ) STORED;
CREATE INDEX channels_search ON channels USING gin (search);

ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', regexp_replace(username, '[[:punct:]]+', ' ', 'g')), 'A') ||
        setweight(to_tsvector('simple', regexp_replace(full_name, '[[:punct:]]+', ' ', 'g')), 'B')
    ) STORED;
CREATE INDEX users_search ON users USING gin (search);

ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', regexp_replace(title, '[[:punct:]]+', ' ', 'g')), 'A') ||
        setweight(to_tsvector('simple', regexp_replace(body, '[[:punct:]]+', ' ', 'g')), 'B')
    ) STORED;
CREATE INDEX posts_search ON posts USING gin (search);

-- A comment's body weighs like a post's body, so the two rank together.
ALTER TABLE comments ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', regexp_replace(body, '[[:punct:]]+', ' ', 'g')), 'B')
    ) STORED;
CREATE INDEX comments_search ON comments USING gin (search);
