-- Reports with the evidence captured when they were made, the moderators' audit log, and
-- suspensions that end by themselves.
ALTER TABLE users ADD COLUMN suspended_until TIMESTAMPTZ;

CREATE TABLE reports (
    id               TEXT PRIMARY KEY,
    reporter_id      TEXT NOT NULL REFERENCES users (id),
    target_type      TEXT NOT NULL,
    target_id        TEXT NOT NULL,
    target_author_id TEXT REFERENCES users (id),
    channel_id       TEXT,
    reason           TEXT NOT NULL,
    details          TEXT NOT NULL DEFAULT '',
    evidence         TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open',
    action           TEXT,
    moderator_note   TEXT,
    handled_by       TEXT REFERENCES users (id),
    handled_at       TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
-- One open report per reporter and target.
CREATE UNIQUE INDEX reports_one_open ON reports (reporter_id, target_type, target_id) WHERE status = 'open';
CREATE INDEX reports_queue ON reports (status, id);
CREATE INDEX reports_target ON reports (target_type, target_id);
CREATE INDEX reports_author ON reports (target_author_id);
CREATE INDEX reports_reporter ON reports (reporter_id, id);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    actor_id    TEXT REFERENCES users (id),
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
