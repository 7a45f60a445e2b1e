-- Users, datasets, ingestion jobs, profiles and the transactional outbox.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    tier          text        NOT NULL CHECK (tier IN ('free', 'premium')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE datasets (
    id           uuid PRIMARY KEY,
    owner_id     uuid        NOT NULL REFERENCES users (id),
    name         text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
    source_type  text        NOT NULL,
    row_count    bigint,
    column_count integer,
    size_bytes   bigint,
    schema       jsonb,
    file_path    text,
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- A failed upload does not hold its name: only live datasets must be unique per owner.
CREATE UNIQUE INDEX datasets_owner_name_key ON datasets (owner_id, name) WHERE status <> 'failed';
CREATE INDEX datasets_owner_created ON datasets (owner_id, created_at DESC);

CREATE TABLE jobs (
    id                uuid PRIMARY KEY,
    owner_id          uuid        NOT NULL REFERENCES users (id),
    dataset_id        uuid        NOT NULL REFERENCES datasets (id),
    status            text        NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
    progress          integer     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    error             text,
    source_type       text        NOT NULL,
    skip_bad_rows     boolean     NOT NULL DEFAULT false,
    staging_path      text        NOT NULL,
    original_filename text,
    upload_bytes      bigint      NOT NULL,
    row_count         bigint,
    rows_rejected     bigint,
    attempts          integer     NOT NULL DEFAULT 0,
    -- the process holding a processing job, and until when; a restarted process requeues its own at once,
    -- any process requeues a job whose lease ran out
    worker_id         text,
    lease_until       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_owner ON jobs (owner_id, created_at DESC);
CREATE INDEX jobs_processing_lease ON jobs (lease_until) WHERE status = 'processing';

CREATE TABLE profiles (
    dataset_id uuid PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    profile    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox: rows are written in the same transaction as the state change they announce
-- and published to Kafka exactly once by the relay, in id order.
CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    aggregate_type text        NOT NULL,
    aggregate_id   uuid        NOT NULL,
    event_type     text        NOT NULL,
    topic          text        NOT NULL,
    payload        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- the relay batch that is publishing this row (set before the Kafka transaction, so a crash leaves
    -- the batch in doubt and the relay settles it by looking for the batch id in the topics)
    batch_id       uuid,
    published_at   timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
