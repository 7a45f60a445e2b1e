-- What an import of a dataset reads (its connection, table or query, mode, incremental column) and how far it has
-- read: the last value of the incremental column seen. One import definition per dataset; each run is a job.
CREATE TABLE source_imports (
    dataset_id         uuid PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    owner_id           uuid        NOT NULL REFERENCES users (id),
    connection_id      uuid        NOT NULL REFERENCES source_connections (id) ON DELETE CASCADE,
    source_table       text,
    source_sql         text,
    mode               text        NOT NULL CHECK (mode IN ('replace', 'append')),
    incremental_column text,
    last_value         text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((source_table IS NULL) <> (source_sql IS NULL))
);

-- Schedules refresh an import's dataset. A due schedule is taken by one instance only: it locks the row
-- (FOR UPDATE SKIP LOCKED), queues the import job in the same transaction and moves next_run_at on.
CREATE TABLE source_schedules (
    id          uuid PRIMARY KEY,
    owner_id    uuid        NOT NULL REFERENCES users (id),
    dataset_id  uuid        NOT NULL UNIQUE REFERENCES source_imports (dataset_id) ON DELETE CASCADE,
    expression  text        NOT NULL,
    paused      boolean     NOT NULL DEFAULT false,
    next_run_at timestamptz NOT NULL,
    last_run_at timestamptz,
    last_job_id uuid,
    runs        integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX source_schedules_due ON source_schedules (next_run_at) WHERE NOT paused;
CREATE INDEX source_schedules_owner ON source_schedules (owner_id, created_at DESC);
