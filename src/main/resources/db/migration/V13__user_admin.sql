-- User administration (io.tributary.admin): deactivation and last login. An inactive user cannot log in and every
-- token issued to them before the change is revoked.
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN last_login timestamptz;
ALTER TABLE users ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX users_created ON users (created_at DESC, id);
