-- Backups of collections: one archive each, stored in the lake under backups/<owner>/<backup id>.zip, written by a
-- job of kind 'backup' (the job's status is the backup's). The collection may be deleted later; the backup stays.
CREATE TABLE backups (
    id              uuid PRIMARY KEY,
    owner_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    job_id          uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    collection_id   uuid        NOT NULL,
    collection_name text        NOT NULL,
    schema_only     boolean     NOT NULL DEFAULT false,
    file_path       text        NOT NULL,
    size_bytes      bigint,
    dataset_count   integer,
    row_count       bigint,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backups_owner ON backups (owner_id, created_at DESC, id);
