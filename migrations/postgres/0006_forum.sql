-- The forum: posts with tags and edit history, comment trees, one vote per person per item,
-- and the forum's event log (one log for the whole forum, numbered like a channel's).
CREATE TABLE posts (
    id            TEXT PRIMARY KEY,
    author_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    score         BIGINT NOT NULL DEFAULT 0,
    upvotes       BIGINT NOT NULL DEFAULT 0,
    downvotes     BIGINT NOT NULL DEFAULT 0,
    hot_rank      DOUBLE PRECISION NOT NULL,
    comment_count BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    edited_at     TIMESTAMPTZ,
    deleted_at    TIMESTAMPTZ
);
CREATE INDEX posts_author ON posts (author_id, id);
CREATE INDEX posts_top ON posts (score, id);
CREATE INDEX posts_hot ON posts (hot_rank, id);

CREATE TABLE post_tags (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (post_id, tag)
);
CREATE INDEX post_tags_tag ON post_tags (tag, post_id);

CREATE TABLE post_versions (
    post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    written_at  TIMESTAMPTZ NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX post_versions_post ON post_versions (post_id, replaced_at);

CREATE TABLE comments (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id   TEXT REFERENCES comments (id) ON DELETE CASCADE,
    -- The top-level comment of its branch (itself for a top-level one): a page of the tree is
    -- its top-level comments and everything under them.
    root_id     TEXT NOT NULL,
    depth       BIGINT NOT NULL,
    author_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    score       BIGINT NOT NULL DEFAULT 0,
    upvotes     BIGINT NOT NULL DEFAULT 0,
    downvotes   BIGINT NOT NULL DEFAULT 0,
    reply_count BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    edited_at   TIMESTAMPTZ,
    deleted_at  TIMESTAMPTZ
);
CREATE INDEX comments_top_level ON comments (post_id, parent_id, id);
CREATE INDEX comments_root ON comments (root_id, id);
CREATE INDEX comments_author ON comments (author_id, id);

CREATE TABLE comment_versions (
    comment_id  TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    written_at  TIMESTAMPTZ NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX comment_versions_comment ON comment_versions (comment_id, replaced_at);

CREATE TABLE post_votes (
    post_id    TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    value      BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_votes_user ON post_votes (user_id);

CREATE TABLE comment_votes (
    comment_id TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    value      BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);
CREATE INDEX comment_votes_user ON comment_votes (user_id);

-- The forum's position counter (one row), taken under its row lock like channels.last_seq.
CREATE TABLE forum_log (
    id       BIGINT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO forum_log (id, last_seq) VALUES (1, 0);

CREATE TABLE forum_events (
    seq        BIGINT PRIMARY KEY,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
