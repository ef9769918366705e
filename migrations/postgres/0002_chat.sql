-- Channels, membership, messages and everything hung on them. Every change a client may see is
-- also appended to channel_events with a per-channel sequence number taken from channels.last_seq
-- in the same transaction (gapless, in commit order).
CREATE TABLE channels (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    topic           TEXT NOT NULL DEFAULT '',
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    archived_at     TIMESTAMPTZ,
    join_code       TEXT,
    dm_key          TEXT,
    last_seq        BIGINT NOT NULL DEFAULT 0,
    last_message_id TEXT,
    last_message_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX channels_name_key ON channels (name) WHERE kind <> 'dm';
CREATE UNIQUE INDEX channels_dm_key ON channels (dm_key) WHERE dm_key IS NOT NULL;

CREATE TABLE channel_members (
    channel_id      TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    notify          TEXT NOT NULL DEFAULT 'all',
    joined_at       TIMESTAMPTZ NOT NULL,
    last_read_seq   BIGINT NOT NULL DEFAULT 0,
    timed_out_until TIMESTAMPTZ,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_user ON channel_members (user_id);

CREATE TABLE channel_bans (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    banned_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE messages (
    id            TEXT PRIMARY KEY,
    channel_id    TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    author_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    content       TEXT NOT NULL,
    client_id     TEXT,
    parent_id     TEXT REFERENCES messages (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL,
    edited_at     TIMESTAMPTZ,
    deleted_at    TIMESTAMPTZ,
    reply_count   BIGINT NOT NULL DEFAULT 0,
    last_reply_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX messages_channel_seq ON messages (channel_id, seq);
CREATE INDEX messages_top_level ON messages (channel_id, seq) WHERE parent_id IS NULL;
CREATE INDEX messages_thread ON messages (parent_id, seq) WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX messages_client_id ON messages (author_id, client_id) WHERE client_id IS NOT NULL;

CREATE TABLE message_versions (
    message_id  TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    content     TEXT NOT NULL,
    written_at  TIMESTAMPTZ NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX message_versions_message ON message_versions (message_id, replaced_at);

CREATE TABLE mentions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX mentions_user ON mentions (user_id, message_id);
CREATE INDEX mentions_user_channel ON mentions (user_id, channel_id, seq);

CREATE TABLE reactions (
    code       TEXT PRIMARY KEY,
    glyph      TEXT,
    image_url  TEXT,
    is_custom  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX reactions_glyph ON reactions (glyph) WHERE glyph IS NOT NULL;
INSERT INTO reactions (code, glyph, is_custom, created_at) VALUES
    ('thumbsup', '👍', FALSE, '2026-01-01T00:00:00Z'),
    ('thumbsdown', '👎', FALSE, '2026-01-01T00:00:00Z'),
    ('heart', '❤️', FALSE, '2026-01-01T00:00:00Z'),
    ('smile', '😄', FALSE, '2026-01-01T00:00:00Z'),
    ('laughing', '😆', FALSE, '2026-01-01T00:00:00Z'),
    ('tada', '🎉', FALSE, '2026-01-01T00:00:00Z'),
    ('eyes', '👀', FALSE, '2026-01-01T00:00:00Z'),
    ('rocket', '🚀', FALSE, '2026-01-01T00:00:00Z'),
    ('thinking', '🤔', FALSE, '2026-01-01T00:00:00Z'),
    ('cry', '😢', FALSE, '2026-01-01T00:00:00Z'),
    ('fire', '🔥', FALSE, '2026-01-01T00:00:00Z'),
    ('check', '✅', FALSE, '2026-01-01T00:00:00Z'),
    ('pray', '🙏', FALSE, '2026-01-01T00:00:00Z'),
    ('clap', '👏', FALSE, '2026-01-01T00:00:00Z'),
    ('wave', '👋', FALSE, '2026-01-01T00:00:00Z'),
    ('100', '💯', FALSE, '2026-01-01T00:00:00Z');

CREATE TABLE message_reactions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    code       TEXT NOT NULL REFERENCES reactions (code) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (message_id, code, user_id)
);

CREATE TABLE pins (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    pinned_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    pinned_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, message_id)
);

CREATE TABLE saved_messages (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    saved_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX saved_messages_user_message ON saved_messages (user_id, message_id);
CREATE INDEX saved_messages_user ON saved_messages (user_id, id);

CREATE TABLE channel_events (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, seq)
);
