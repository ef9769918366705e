-- Consent and safety: who may start a direct conversation with whom, chat requests, mutes
-- and blocks.
ALTER TABLE users ADD COLUMN chat_availability TEXT NOT NULL DEFAULT 'requests';

CREATE TABLE user_mutes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, muted_id)
);

CREATE TABLE user_blocks (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id);

CREATE TABLE chat_requests (
    id           TEXT PRIMARY KEY,
    from_user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The two ids in order, so that a pair has one key whoever asked.
    pair_key     TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'pending',
    channel_id   TEXT REFERENCES channels (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    decided_at   TIMESTAMPTZ
);
-- One pending request per pair, whichever way.
CREATE UNIQUE INDEX chat_requests_one_pending ON chat_requests (pair_key) WHERE status = 'pending';
CREATE INDEX chat_requests_to ON chat_requests (to_user_id, id);
CREATE INDEX chat_requests_from ON chat_requests (from_user_id, id);
