-- Datasets created from a schema, appends to them, and collection templates.

-- An append (upload with mode=append) makes a new version holding the old rows and the new ones. Appends to one
-- dataset may be queued side by side: each merges against the version it locks when it completes.
ALTER TABLE jobs ADD COLUMN appends boolean NOT NULL DEFAULT false;
DROP INDEX jobs_one_active_per_dataset;
CREATE UNIQUE INDEX jobs_one_active_per_dataset ON jobs (dataset_id)
    WHERE status IN ('queued', 'processing') AND NOT appends;

-- A template saved from a collection: its datasets' schemas and its dashboards (no data), by dataset name.
CREATE TABLE collection_templates (
    id          uuid PRIMARY KEY,
    owner_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    description text,
    -- {datasets:[{name, schema:[{name, type}]}], dashboards:[{name, description, refresh_seconds, layout,
    --  visualizations:[{..., dataset: <dataset name>}]}]}
    blueprint   jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX collection_templates_owner_name_key ON collection_templates (owner_id, name);

-- What a dataset created from a schema is for (shown with it; searchable by other features later).
ALTER TABLE datasets ADD COLUMN IF NOT EXISTS description text;
