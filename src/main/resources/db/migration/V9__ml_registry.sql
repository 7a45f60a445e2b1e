-- AutoML: a model registry shaped like MLflow's. A run trains candidates on one version of a dataset (lineage);
-- a finished run registers a new version of a model, whose bytes live in the lake under immutable names.

CREATE TABLE ml_models (
    id            uuid PRIMARY KEY,
    owner_id      uuid        NOT NULL REFERENCES users (id),
    name          text        NOT NULL,
    problem_type  text        NOT NULL CHECK (problem_type IN ('classification', 'regression')),
    target_column text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name)
);
CREATE INDEX ml_models_owner_updated ON ml_models (owner_id, updated_at DESC);

CREATE TABLE ml_runs (
    id               uuid PRIMARY KEY,
    owner_id         uuid        NOT NULL REFERENCES users (id),
    job_id           uuid        NOT NULL,
    -- no foreign key: a run keeps its lineage after its dataset is deleted
    dataset_id       uuid        NOT NULL,
    dataset_version  integer,
    model_name       text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed')),
    params           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    metrics          jsonb,
    candidates       jsonb,
    error            text,
    model_id         uuid REFERENCES ml_models (id) ON DELETE SET NULL,
    model_version    integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    duration_ms      bigint
);
CREATE INDEX ml_runs_owner_created ON ml_runs (owner_id, created_at DESC);
CREATE INDEX ml_runs_job ON ml_runs (job_id);

CREATE TABLE ml_model_versions (
    model_id       uuid        NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
    version        integer     NOT NULL,
    run_id         uuid        NOT NULL REFERENCES ml_runs (id),
    -- xgboost | linear | logistic
    kind           text        NOT NULL,
    file_path      text        NOT NULL,
    feature_schema jsonb       NOT NULL,
    metrics        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, version),
    UNIQUE (run_id)
);

CREATE TABLE ml_model_aliases (
    model_id   uuid        NOT NULL,
    alias      text        NOT NULL,
    version    integer     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, alias),
    FOREIGN KEY (model_id, version) REFERENCES ml_model_versions (model_id, version) ON DELETE CASCADE
);
