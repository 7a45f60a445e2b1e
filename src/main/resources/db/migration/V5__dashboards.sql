-- Dashboards: saved visualizations over datasets and live streams, share links, and server-side exports.

CREATE TABLE dashboards (
    id              uuid PRIMARY KEY,
    owner_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    description     text,
    refresh_seconds integer,
    layout          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- [{viz_id, title, chart_type, dataset_id, query, config, position, stream?}], validated by the API
    visualizations  jsonb       NOT NULL DEFAULT '[]'::jsonb,
    version         integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dashboards_owner ON dashboards (owner_id, updated_at DESC);

-- Read-only share links: only the SHA-256 of a token is stored; a token opens exactly one dashboard.
CREATE TABLE dashboard_shares (
    id           uuid PRIMARY KEY,
    dashboard_id uuid        NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    token_hash   bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX dashboard_shares_dashboard ON dashboard_shares (dashboard_id);

-- Rendered exports (PNG, PDF) waiting to be downloaded through a token URL until they expire.
CREATE TABLE dashboard_exports (
    id           uuid PRIMARY KEY,
    dashboard_id uuid        NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    owner_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format       text        NOT NULL CHECK (format IN ('png', 'pdf')),
    file_path    text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX dashboard_exports_expiry ON dashboard_exports (expires_at);
