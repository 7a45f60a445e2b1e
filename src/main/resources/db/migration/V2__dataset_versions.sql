-- New versions of a dataset (an upload with replace=true) and deleting datasets.

-- A job that makes a new version of an existing (ready) dataset: on failure the dataset keeps its version.
ALTER TABLE jobs ADD COLUMN replaces boolean NOT NULL DEFAULT false;

-- At most one upload in flight per dataset: a second one is refused (409) instead of racing the first.
CREATE UNIQUE INDEX jobs_one_active_per_dataset ON jobs (dataset_id) WHERE status IN ('queued', 'processing');

-- Deleting a dataset deletes its job history with it.
ALTER TABLE jobs DROP CONSTRAINT jobs_dataset_id_fkey;
ALTER TABLE jobs ADD CONSTRAINT jobs_dataset_id_fkey FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE;
