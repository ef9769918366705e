-- Closed accounts: the row stays (reports and the audit log point at it), its profile is
-- emptied and it can no longer sign in.
ALTER TABLE users ADD COLUMN deleted_at TEXT;
