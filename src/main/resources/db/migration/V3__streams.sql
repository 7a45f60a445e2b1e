-- Kafka topics consumed into datasets (streams), their part files, offsets and shares.

-- A dataset is a file (one Parquet file per version) or a stream (Parquet part files that grow).
ALTER TABLE datasets ADD COLUMN kind text NOT NULL DEFAULT 'file' CHECK (kind IN ('file', 'stream'));

CREATE TABLE streams (
    id                    uuid PRIMARY KEY,
    owner_id              uuid        NOT NULL REFERENCES users (id),
    name                  text        NOT NULL,
    topic                 text        NOT NULL,
    format                text        NOT NULL DEFAULT 'json' CHECK (format IN ('json')),
    dataset_id            uuid        NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    status                text        NOT NULL CHECK (status IN ('running', 'stopped')),
    start_from            text        NOT NULL DEFAULT 'earliest' CHECK (start_from IN ('earliest', 'latest')),
    records_ingested      bigint      NOT NULL DEFAULT 0,
    records_dead_lettered bigint      NOT NULL DEFAULT 0,
    batches_written       bigint      NOT NULL DEFAULT 0,
    last_commit_at        timestamptz,
    -- mergeable per-column statistics (counts, moments, min/max, HLL and KLL sketches) behind the profile
    profile_state         jsonb,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX streams_owner_name_key ON streams (owner_id, name);
CREATE INDEX streams_running ON streams (status) WHERE status = 'running';

-- The next offset to consume per partition, committed in the same transaction as the part that holds the
-- records before it: the dataset holds every record exactly once, whatever crashes.
CREATE TABLE stream_offsets (
    stream_id   uuid    NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL,
    PRIMARY KEY (stream_id, partition)
);

-- The registered part files of a stream's dataset; a file on disk that is not here is not part of it.
CREATE TABLE stream_parts (
    id         uuid PRIMARY KEY,
    stream_id  uuid        NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    dataset_id uuid        NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    file_path  text        NOT NULL,
    row_count  bigint      NOT NULL,
    size_bytes bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stream_parts_dataset ON stream_parts (dataset_id, created_at);

-- Users a stream is shared with (they may watch it live on /ws/streams/{name}).
CREATE TABLE stream_shares (
    stream_id uuid NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (stream_id, user_id)
);
